package dev.vidmeta.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.record.ObjectRef;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * The task-token table: partition key {@code jobId}, sort key {@code waiterId} (one per execution waiting on
 * the job). A waiter's own item uses {@code jobId = "waiter#" + waiterId} and holds the task token, the jobs
 * still pending (a string set) and the results recorded so far. Items expire through {@value #TTL_ATTRIBUTE}.
 *
 * <p>The Rekognition slot leases share the table (same lifetime, same two functions): one item
 * {@link #SLOTS_KEY} holds every lease ({@link DynamoDbJobSlots}), and partition {@value #WAITING_PARTITION} lists
 * the executions waiting for a slot ({@link DynamoDbWaitingList}). Neither value can be a JobId (Rekognition's are
 * 1-64 characters of {@code [a-zA-Z0-9-_]}, no '#') nor a waiter's partition ({@code waiter#...}).
 */
public final class TaskTokenTable {

    public static final String PARTITION_KEY = "jobId";
    public static final String SORT_KEY = "waiterId";
    public static final String TTL_ATTRIBUTE = "expiresAt";
    public static final String WAITING_PARTITION = "lease#waiting";
    public static final Map<String, AttributeValue> SLOTS_KEY = Map.of(
            PARTITION_KEY, AttributeValue.fromS("lease#slots"), SORT_KEY, AttributeValue.fromS("slots"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskTokenTable() {}

    /** An object reference as the table stores it (in a waiter's item and in a slot waiter's): JSON text. */
    static String objectJson(ObjectRef object) {
        try {
            return JSON.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an object reference always serializes", e);
        }
    }

    static ObjectRef objectOf(String json) {
        try {
            return JSON.readValue(json, ObjectRef.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored object reference is not valid JSON", e);
        }
    }

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(
                        KeySchemaElement.builder().attributeName(PARTITION_KEY).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(SORT_KEY).keyType(KeyType.RANGE).build())
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(PARTITION_KEY)
                                .attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(SORT_KEY)
                                .attributeType(ScalarAttributeType.S).build())
                .build();
    }

    public static UpdateTimeToLiveRequest timeToLiveRequest(String tableName) {
        return UpdateTimeToLiveRequest.builder()
                .tableName(tableName)
                .timeToLiveSpecification(TimeToLiveSpecification.builder()
                        .attributeName(TTL_ATTRIBUTE).enabled(true).build())
                .build();
    }
}
