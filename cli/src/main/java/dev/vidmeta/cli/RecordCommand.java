package dev.vidmeta.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.aws.JsonAttributeValues;
import dev.vidmeta.aws.RecordTable;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** {@code vidmeta record s3://bucket/key}: the merged record of one object, as JSON. */
@Command(
        name = "record",
        mixinStandardHelpOptions = true,
        description = "Prints the merged record of one S3 object (one DynamoDB item per bucket and key) as JSON.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the record was printed", "1:AWS error", "2:usage error", "3:no record for the object"})
public final class RecordCommand implements Callable<Integer> {

    static final int NO_RECORD = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment;

    @Parameters(paramLabel = "S3_URI", description = "s3://bucket/key (the raw key, as uploaded)")
    String location;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        int slash = location.indexOf('/', 5);
        if (!location.startsWith("s3://") || slash < 6 || slash == location.length() - 1) {
            err.println("vidmeta record: expected s3://bucket/key, got " + location);
            err.flush();
            return 2;
        }
        // The record's key is "bucket/key" with the key raw, exactly as EventBridge delivered it.
        String pk = location.substring(5);
        try (DeploymentOptions closing = deployment) {
            String table = deployment.recordTable();
            Map<String, AttributeValue> item = deployment.dynamoDb().getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of(RecordTable.PARTITION_KEY, AttributeValue.fromS(pk)))).item();
            if (item == null || item.isEmpty()) {
                err.println("vidmeta record: no record for " + location + " in " + table);
                err.flush();
                return NO_RECORD;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JsonAttributeValues.toJson(item)));
            out.flush();
            return 0;
        }
    }
}
