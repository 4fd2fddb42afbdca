package dev.vidmeta.aws;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The record table's design; Terraform declares the same table, the local runtime creates it from here.
 *
 * <p>Partition key {@code pk} = "bucket/key" (one item per object). Global secondary indexes, each sorted by
 * {@code uploadedAt} (ISO-8601 UTC, so string order is time order):
 * <ul>
 *   <li>{@value #BY_STATUS}: partition {@code status} -- "every FAILED record, newest first";
 *   <li>{@value #BY_UPLOAD_DATE}: partition {@code uploadDate} (yyyy-MM-dd) -- "what was uploaded on a day";
 *   <li>{@value #BY_CONTAINER}: partition {@code container} (MediaInfo's format, e.g. MPEG-4) -- sparse;
 *   <li>{@value #BY_VIDEO_CODEC}: partition {@code videoCodec} (e.g. AVC, HEVC) -- sparse.
 * </ul>
 * The indexes project the identity and summary fields a listing shows; the full item is one GetItem away.
 */
public final class RecordTable {

    public static final String PARTITION_KEY = "pk";
    public static final String BY_STATUS = "status-index";
    public static final String BY_UPLOAD_DATE = "upload-date-index";
    public static final String BY_CONTAINER = "container-index";
    public static final String BY_VIDEO_CODEC = "video-codec-index";
    public static final String SORT_KEY = "uploadedAt";

    /** Attributes every index carries besides its own keys and the table key. */
    public static final List<String> PROJECTED = List.of("bucket", "objectKey", "versionId", "size", "status",
            "reasons", "container", "videoCodec", "durationMs", "recordedAt", "uploadDate");

    private RecordTable() {}

    public static CreateTableRequest createTableRequest(String tableName) {
        return CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(KeySchemaElement.builder().attributeName(PARTITION_KEY).keyType(KeyType.HASH).build())
                .attributeDefinitions(
                        string(PARTITION_KEY), string("status"), string("uploadDate"), string("container"),
                        string("videoCodec"), string(SORT_KEY))
                .globalSecondaryIndexes(
                        index(BY_STATUS, "status"),
                        index(BY_UPLOAD_DATE, "uploadDate"),
                        index(BY_CONTAINER, "container"),
                        index(BY_VIDEO_CODEC, "videoCodec"))
                .build();
    }

    private static GlobalSecondaryIndex index(String name, String partition) {
        List<String> projected = new ArrayList<>(PROJECTED);
        projected.remove(partition);
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(
                        KeySchemaElement.builder().attributeName(partition).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(SORT_KEY).keyType(KeyType.RANGE).build())
                .projection(Projection.builder().projectionType(ProjectionType.INCLUDE)
                        .nonKeyAttributes(projected).build())
                .build();
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }
}
