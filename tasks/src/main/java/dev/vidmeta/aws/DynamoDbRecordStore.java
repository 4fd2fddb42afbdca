package dev.vidmeta.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.record.RecordDeletion;
import dev.vidmeta.record.RecordStatus;
import dev.vidmeta.record.RecordStore;
import dev.vidmeta.record.VideoRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Writes the record with one conditional PutItem.
 *
 * <p>The condition compares {@code sequencerKey}, the S3 sequencer right-padded to a fixed width (see
 * {@link dev.vidmeta.record.Sequencers}), as DynamoDB compares strings (byte order), which is the order S3
 * documents for sequencers of one key. For the same
 * sequencer (a replay or duplicated event) a COMPLETE record is only replaced by another COMPLETE one.
 *
 * <p>A deletion is one conditional UpdateItem (the record keeps its metadata), and when there is no record yet,
 * a conditional PutItem of the tombstone.
 */
public final class DynamoDbRecordStore implements RecordStore {

    static final String NEWER_OR_SAME =
            "attribute_not_exists(pk) OR sequencerKey <= :seq";
    static final String OLDER_RECORD = "attribute_exists(pk) AND sequencerKey < :seq";
    static final String OLDER_RECORD_OF_VERSION = OLDER_RECORD + " AND versionId = :version";
    static final String NO_RECORD = "attribute_not_exists(pk)";
    static final String NEWER_OR_SAME_NOT_COMPLETE =
            "attribute_not_exists(pk) OR sequencerKey < :seq OR (sequencerKey = :seq AND #status <> :complete)";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbRecordStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    @Override
    public Outcome put(VideoRecord record) {
        Map<String, AttributeValue> item = JsonAttributeValues.toItem(record.item());
        PutItemRequest.Builder request = PutItemRequest.builder().tableName(tableName).item(item);
        if (record.status() == RecordStatus.COMPLETE) {
            request.conditionExpression(NEWER_OR_SAME)
                    .expressionAttributeValues(Map.of(":seq", AttributeValue.fromS(record.sequencerKey())));
        } else {
            request.conditionExpression(NEWER_OR_SAME_NOT_COMPLETE)
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":seq", AttributeValue.fromS(record.sequencerKey()),
                            ":complete", AttributeValue.fromS(RecordStatus.COMPLETE.name())));
        }
        try {
            dynamoDb.putItem(request.build());
            return Outcome.WRITTEN;
        } catch (ConditionalCheckFailedException e) {
            return Outcome.KEPT_NEWER;
        }
    }

    @Override
    public Outcome markDeleted(RecordDeletion deletion) {
        // Two rounds: a record may appear between a failed update (no record yet) and the tombstone's put.
        for (int round = 0; round < 2; round++) {
            try {
                dynamoDb.updateItem(update(deletion));
                return Outcome.WRITTEN;
            } catch (ConditionalCheckFailedException noOlderRecord) {
                if (deletion.tombstone() == null) {
                    return Outcome.KEPT_NEWER;
                }
            }
            try {
                dynamoDb.putItem(b -> b.tableName(tableName).item(JsonAttributeValues.toItem(deletion.tombstone().item()))
                        .conditionExpression(NO_RECORD));
                return Outcome.WRITTEN;
            } catch (ConditionalCheckFailedException aRecordExists) {
                // it is newer (the update's condition failed), or it appeared just now: look again
            }
        }
        return Outcome.KEPT_NEWER;
    }

    private UpdateItemRequest update(RecordDeletion deletion) {
        List<String> sets = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        int i = 0;
        for (Map.Entry<String, JsonNode> e : deletion.changes().properties()) {
            names.put("#a" + i, e.getKey());
            values.put(":a" + i, JsonAttributeValues.toValue(e.getValue()));
            sets.add("#a" + i + " = :a" + i);
            i++;
        }
        values.put(":seq", AttributeValue.fromS(deletion.sequencerKey()));
        String condition = OLDER_RECORD;
        if (deletion.versionId() != null) {
            values.put(":version", AttributeValue.fromS(deletion.versionId()));
            condition = OLDER_RECORD_OF_VERSION;
        }
        return UpdateItemRequest.builder().tableName(tableName)
                .key(Map.of("pk", AttributeValue.fromS(deletion.recordId())))
                .updateExpression("SET " + String.join(", ", sets))
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
    }

    @Override
    public boolean exists(String recordId) {
        var item = dynamoDb.getItem(b -> b.tableName(tableName).key(Map.of("pk", AttributeValue.fromS(recordId)))
                .projectionExpression("pk").consistentRead(true)).item();
        return item != null && !item.isEmpty();
    }
}
