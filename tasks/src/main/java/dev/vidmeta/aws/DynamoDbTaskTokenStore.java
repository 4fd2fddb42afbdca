package dev.vidmeta.aws;

import dev.vidmeta.analysis.Analysis;
import dev.vidmeta.analysis.TaskTokenStore;
import dev.vidmeta.record.ObjectRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * {@link TaskTokenStore} on the task-token table ({@link TaskTokenTable}).
 *
 * <p>"Complete only when all jobs are done" rests on one conditional UpdateItem per job result: it removes
 * the JobId from the waiter's {@code pending} set only if it is still there, so exactly one delivery of each
 * notification counts, and DynamoDB serializes concurrent callbacks for different jobs of the same waiter.
 */
public final class DynamoDbTaskTokenStore implements TaskTokenStore {

    private static final String WAITER_PREFIX = "waiter#";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbTaskTokenStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    @Override
    public void register(
            String waiterId,
            String taskToken,
            ObjectRef object,
            Map<String, Analysis> jobs,
            Map<String, String> knownResults,
            long registeredAtMillis,
            long expiresAtEpochSeconds) {
        String objectJson = TaskTokenTable.objectJson(object);
        Map<String, AttributeValue> waiter = new HashMap<>(waiterKey(waiterId));
        waiter.put("taskToken", AttributeValue.fromS(taskToken));
        waiter.put("object", AttributeValue.fromS(objectJson));
        Map<String, AttributeValue> results = new LinkedHashMap<>();
        knownResults.forEach((code, json) -> results.put(code, AttributeValue.fromS(json)));
        waiter.put("results", AttributeValue.fromM(results));
        if (!jobs.isEmpty()) {
            waiter.put("pending", AttributeValue.fromSs(new ArrayList<>(jobs.keySet())));
        }
        waiter.put("sent", AttributeValue.fromBool(false));
        waiter.put(TaskTokenTable.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(expiresAtEpochSeconds)));
        // Replaces the waiter of an earlier attempt of the same execution: its token is dead after a retry.
        dynamoDb.putItem(PutItemRequest.builder().tableName(tableName).item(waiter).build());
        for (Map.Entry<String, Analysis> job : jobs.entrySet()) {
            dynamoDb.putItem(PutItemRequest.builder().tableName(tableName).item(Map.of(
                    TaskTokenTable.PARTITION_KEY, AttributeValue.fromS(job.getKey()),
                    TaskTokenTable.SORT_KEY, AttributeValue.fromS(waiterId),
                    "analysis", AttributeValue.fromS(job.getValue().code()),
                    "object", AttributeValue.fromS(objectJson),
                    "registeredAt", AttributeValue.fromN(Long.toString(registeredAtMillis)),
                    TaskTokenTable.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(expiresAtEpochSeconds))))
                    .build());
        }
    }

    @Override
    public List<JobWaiter> waitersOf(String jobId) {
        List<JobWaiter> waiters = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder q = QueryRequest.builder().tableName(tableName).consistentRead(true)
                    .keyConditionExpression("jobId = :j")
                    .expressionAttributeValues(Map.of(":j", AttributeValue.fromS(jobId)));
            if (start != null) {
                q.exclusiveStartKey(start);
            }
            var page = dynamoDb.query(q.build());
            for (Map<String, AttributeValue> item : page.items()) {
                waiters.add(new JobWaiter(item.get(TaskTokenTable.SORT_KEY).s(),
                        Analysis.fromCode(item.get("analysis").s()), TaskTokenTable.objectOf(item.get("object").s()),
                        Long.parseLong(item.get("registeredAt").n())));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return waiters;
    }

    @Override
    public Progress recordResult(String waiterId, String jobId, Analysis analysis, String resultJson) {
        try {
            UpdateItemResponse updated = dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(waiterKey(waiterId))
                    .updateExpression("DELETE pending :jobSet SET results.#analysis = :result")
                    .conditionExpression("contains(pending, :jobId)")
                    .expressionAttributeNames(Map.of("#analysis", analysis.code()))
                    .expressionAttributeValues(Map.of(
                            ":jobSet", AttributeValue.fromSs(List.of(jobId)),
                            ":jobId", AttributeValue.fromS(jobId),
                            ":result", AttributeValue.fromS(resultJson)))
                    .returnValues(ReturnValue.ALL_NEW)
                    .build());
            return progress(true, updated.attributes());
        } catch (ConditionalCheckFailedException alreadyRecordedOrGone) {
            var current = dynamoDb.getItem(GetItemRequest.builder()
                    .tableName(tableName).key(waiterKey(waiterId)).consistentRead(true).build());
            if (!current.hasItem() || current.item().isEmpty()) {
                return null;
            }
            return progress(false, current.item());
        }
    }

    @Override
    public void markSent(String waiterId) {
        dynamoDb.updateItem(UpdateItemRequest.builder()
                .tableName(tableName)
                .key(waiterKey(waiterId))
                .updateExpression("SET sent = :t")
                .conditionExpression("attribute_exists(taskToken)")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true)))
                .build());
    }

    private static Progress progress(boolean applied, Map<String, AttributeValue> item) {
        // DynamoDB removes a set attribute when its last element is deleted: no "pending" means all done.
        boolean allDone = !item.containsKey("pending") || item.get("pending").ss().isEmpty();
        boolean sent = item.containsKey("sent") && Boolean.TRUE.equals(item.get("sent").bool());
        Map<String, String> results = new LinkedHashMap<>();
        if (item.containsKey("results")) {
            item.get("results").m().forEach((code, v) -> results.put(code, v.s()));
        }
        return new Progress(applied, allDone, sent, item.get("taskToken").s(), results);
    }

    private static Map<String, AttributeValue> waiterKey(String waiterId) {
        return Map.of(
                TaskTokenTable.PARTITION_KEY, AttributeValue.fromS(WAITER_PREFIX + waiterId),
                TaskTokenTable.SORT_KEY, AttributeValue.fromS(waiterId));
    }
}
