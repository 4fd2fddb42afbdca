package dev.vidmeta.aws;

import dev.vidmeta.record.RecordStatus;
import dev.vidmeta.record.RecordStore;
import dev.vidmeta.record.VideoRecord;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Writes the record with one conditional PutItem.
 *
 * <p>The condition compares {@code sequencerKey}, the S3 sequencer right-padded to a fixed width (see
 * {@link dev.vidmeta.record.Sequencers}), as DynamoDB compares strings (byte order), which is the order S3
 * documents for sequencers of one key. For the same
 * sequencer (a replay or duplicated event) a COMPLETE record is only replaced by another COMPLETE one.
 */
public final class DynamoDbRecordStore implements RecordStore {

    static final String NEWER_OR_SAME =
            "attribute_not_exists(pk) OR sequencerKey <= :seq";
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
}
