package dev.vidmeta.aws;

import dev.vidmeta.analysis.Analysis;
import dev.vidmeta.analysis.JobSlots;
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
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@link JobSlots} as ONE item of the task-token table ({@link TaskTokenTable#SLOTS_KEY}): a map {@code leases} of
 * lease key to {@code {waiterId, analysis, acquiredAt, leaseExpiresAt, jobId?}}.
 *
 * <p>A slot costs one conditional UpdateItem: {@code SET leases.#k = :lease} under {@code size(leases) <= :max AND
 * attribute_not_exists(leases.#k)}, and a release one {@code REMOVE leases.#k} under {@code
 * attribute_exists(leases.#k)}. DynamoDB applies a conditional write only when its condition holds, atomically for
 * the item ("Condition expressions", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html;
 * UpdateItem, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html), so the held
 * count never passes the limit and a lease is released at most once. The count is {@code size(leases)}, the number
 * of the map's elements ("size" in the comparison-operator reference, Expressions.OperatorsAndFunctions), not a
 * separate counter: it cannot drift from the leases it counts.
 */
public final class DynamoDbJobSlots implements JobSlots {

    static final String LEASES = "leases";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbJobSlots(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    @Override
    public boolean acquire(List<Lease> leases, int limit) {
        List<Lease> missing = leases;
        // A lost race (another start took a slot, or the item did not exist yet) is read and tried again; each
        // retry follows a change by someone else, so this ends.
        for (int attempt = 0; attempt < 16; attempt++) {
            if (missing.isEmpty()) {
                return true;
            }
            try {
                dynamoDb.updateItem(acquireRequest(missing, limit));
                return true;
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> item = item();
                if (item == null) {
                    createSlotsItem();
                    continue;
                }
                Holding holding = holding(item);
                missing = leases.stream().filter(l -> holding.lease(l.key()) == null).toList();
                if (!missing.isEmpty() && holding.inUse() + missing.size() > limit) {
                    return false;
                }
            }
        }
        throw new IllegalStateException("could not take Rekognition slots after 16 attempts (heavy contention)");
    }

    /** The one write that takes the slots; package-private so a test can assert it. */
    UpdateItemRequest acquireRequest(List<Lease> leases, int limit) {
        List<String> sets = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#leases", LEASES);
        conditions.add("size(#leases) <= :max");
        values.put(":max", AttributeValue.fromN(Integer.toString(limit - leases.size())));
        for (int i = 0; i < leases.size(); i++) {
            names.put("#k" + i, leases.get(i).key());
            values.put(":l" + i, AttributeValue.fromM(toItem(leases.get(i))));
            sets.add("#leases.#k" + i + " = :l" + i);
            conditions.add("attribute_not_exists(#leases.#k" + i + ")");
        }
        return UpdateItemRequest.builder()
                .tableName(tableName)
                .key(TaskTokenTable.SLOTS_KEY)
                .updateExpression("SET " + String.join(", ", sets))
                .conditionExpression(String.join(" AND ", conditions))
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
    }

    @Override
    public void recordJob(String key, String jobId) {
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(TaskTokenTable.SLOTS_KEY)
                    .updateExpression("SET #leases.#k.jobId = :j")
                    .conditionExpression("attribute_exists(#leases.#k)")
                    .expressionAttributeNames(Map.of("#leases", LEASES, "#k", key))
                    .expressionAttributeValues(Map.of(":j", AttributeValue.fromS(jobId)))
                    .build());
        } catch (ConditionalCheckFailedException released) {
            // The job ended (and released its slot) before its id was noted: nothing to note.
        }
    }

    @Override
    public boolean release(String key) {
        try {
            dynamoDb.updateItem(releaseRequest(key));
            return true;
        } catch (ConditionalCheckFailedException notHeld) {
            return false;
        }
    }

    UpdateItemRequest releaseRequest(String key) {
        return UpdateItemRequest.builder()
                .tableName(tableName)
                .key(TaskTokenTable.SLOTS_KEY)
                .updateExpression("REMOVE #leases.#k")
                .conditionExpression("attribute_exists(#leases.#k)")
                .expressionAttributeNames(Map.of("#leases", LEASES, "#k", key))
                .build();
    }

    @Override
    public Holding read() {
        Map<String, AttributeValue> item = item();
        return item == null ? new Holding(List.of()) : holding(item);
    }

    private Map<String, AttributeValue> item() {
        var response = dynamoDb.getItem(GetItemRequest.builder()
                .tableName(tableName).key(TaskTokenTable.SLOTS_KEY).consistentRead(true).build());
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    /**
     * SET on a path inside {@code leases} needs the map to exist (an update on a document path whose parent is
     * missing fails with ValidationException: DynamoDB Developer Guide, "Update expressions",
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html): made
     * once, by whichever start comes first.
     */
    private void createSlotsItem() {
        Map<String, AttributeValue> item = new HashMap<>(TaskTokenTable.SLOTS_KEY);
        item.put(LEASES, AttributeValue.fromM(Map.of()));
        try {
            dynamoDb.putItem(PutItemRequest.builder().tableName(tableName).item(item)
                    .conditionExpression("attribute_not_exists(" + TaskTokenTable.PARTITION_KEY + ")").build());
        } catch (ConditionalCheckFailedException exists) {
            // another start made it
        }
    }

    private static Holding holding(Map<String, AttributeValue> item) {
        List<Lease> leases = new ArrayList<>();
        AttributeValue map = item.get(LEASES);
        if (map != null && map.hasM()) {
            new LinkedHashMap<>(map.m()).forEach((key, v) -> leases.add(fromItem(key, v.m())));
        }
        return new Holding(List.copyOf(leases));
    }

    private static Map<String, AttributeValue> toItem(Lease lease) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("waiterId", AttributeValue.fromS(lease.waiterId()));
        m.put("analysis", AttributeValue.fromS(lease.analysis().code()));
        m.put("acquiredAt", AttributeValue.fromN(Long.toString(lease.acquiredAtMillis())));
        m.put("leaseExpiresAt", AttributeValue.fromN(Long.toString(lease.expiresAtMillis())));
        if (lease.jobId() != null) {
            m.put("jobId", AttributeValue.fromS(lease.jobId()));
        }
        return m;
    }

    private static Lease fromItem(String key, Map<String, AttributeValue> m) {
        return new Lease(key, m.get("waiterId").s(), Analysis.fromCode(m.get("analysis").s()),
                m.containsKey("jobId") ? m.get("jobId").s() : null, Long.parseLong(m.get("acquiredAt").n()),
                Long.parseLong(m.get("leaseExpiresAt").n()));
    }
}
