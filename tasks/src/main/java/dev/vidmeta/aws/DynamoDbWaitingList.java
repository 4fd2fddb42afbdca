package dev.vidmeta.aws;

import dev.vidmeta.analysis.WaitingList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * {@link WaitingList} in the task-token table: partition {@link TaskTokenTable#WAITING_PARTITION}, sort key the
 * waiter's position (zero-padded enqueue time, then its id), so a Query in ascending sort-key order
 * (ScanIndexForward true, the default) gives the oldest first, and a strongly consistent read sees the latest add
 * (Query API reference, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html). Taking a
 * waiter is a DeleteItem under {@code attribute_exists}: of several drains, exactly one succeeds, as a conditional
 * delete "deletes the item only if the condition is met" and the others get ConditionalCheckFailedException
 * (DeleteItem API reference, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html;
 * condition expressions, https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html).
 * Items carry the table's TTL, so a waiter no drain ever reaches goes with its token.
 */
public final class DynamoDbWaitingList implements WaitingList {

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbWaitingList(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    @Override
    public void add(Waiter waiter) {
        Map<String, AttributeValue> item = new HashMap<>(key(waiter.position()));
        item.put("listedWaiterId", AttributeValue.fromS(waiter.waiterId()));
        item.put("taskToken", AttributeValue.fromS(waiter.taskToken()));
        item.put("executionId", AttributeValue.fromS(waiter.executionId()));
        item.put("object", AttributeValue.fromS(TaskTokenTable.objectJson(waiter.object())));
        item.put("enqueuedAt", AttributeValue.fromN(Long.toString(waiter.enqueuedAtMillis())));
        item.put(TaskTokenTable.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(waiter.expiresAtEpochSeconds())));
        dynamoDb.putItem(PutItemRequest.builder().tableName(tableName).item(item).build());
    }

    @Override
    public List<Waiter> oldest(int n) {
        var page = dynamoDb.query(QueryRequest.builder().tableName(tableName).consistentRead(true)
                .keyConditionExpression("#pk = :p")
                .expressionAttributeNames(Map.of("#pk", TaskTokenTable.PARTITION_KEY))
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(TaskTokenTable.WAITING_PARTITION)))
                .limit(n)
                .build());
        List<Waiter> waiters = new ArrayList<>();
        for (Map<String, AttributeValue> item : page.items()) {
            waiters.add(new Waiter(item.get("listedWaiterId").s(),
                    item.get("taskToken").s(), item.get("executionId").s(), TaskTokenTable.objectOf(item.get("object").s()),
                    Long.parseLong(item.get("enqueuedAt").n()),
                    Long.parseLong(item.get(TaskTokenTable.TTL_ATTRIBUTE).n())));
        }
        return waiters;
    }

    @Override
    public boolean take(Waiter waiter) {
        try {
            dynamoDb.deleteItem(DeleteItemRequest.builder().tableName(tableName).key(key(waiter.position()))
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", TaskTokenTable.PARTITION_KEY))
                    .build());
            return true;
        } catch (ConditionalCheckFailedException takenByAnother) {
            return false;
        }
    }

    private static Map<String, AttributeValue> key(String position) {
        return Map.of(TaskTokenTable.PARTITION_KEY, AttributeValue.fromS(TaskTokenTable.WAITING_PARTITION),
                TaskTokenTable.SORT_KEY, AttributeValue.fromS(position));
    }
}
