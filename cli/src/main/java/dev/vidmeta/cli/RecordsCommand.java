package dev.vidmeta.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.aws.JsonAttributeValues;
import dev.vidmeta.aws.RecordTable;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@code vidmeta records}: merged records, newest upload first, through the table's indexes (never a Scan).
 *
 * <p>The most selective filter picks the index (codec, then container, then status, else upload date for the last
 * {@code --days}); the other filters become a FilterExpression on it. Index rows carry the summary fields
 * ({@link RecordTable#PROJECTED}); {@code vidmeta record} shows a whole item.
 */
@Command(
        name = "records",
        mixinStandardHelpOptions = true,
        description = "Lists merged records, newest upload first, by status, video codec, container or upload date.")
public final class RecordsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment;

    @Option(names = "--status", description = "COMPLETE, PARTIAL, FAILED, SKIPPED or DELETED")
    String status;

    @Option(names = "--codec", description = "video codec as MediaInfo names it, e.g. AVC, HEVC, VP9")
    String codec;

    @Option(names = "--container", description = "container as MediaInfo names it, e.g. MPEG-4, Matroska")
    String container;

    @Option(names = "--days", defaultValue = "7",
            description = "without --status/--codec/--container: uploads of the last N days, UTC (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--max", defaultValue = "100", description = "at most this many (default: ${DEFAULT-VALUE})")
    int max;

    @Option(names = "--json", description = "one JSON object per line instead of a table")
    boolean json;

    @Override
    public Integer call() {
        try (DeploymentOptions closing = deployment) {
            String table = deployment.recordTable();
            List<JsonNode> rows = new ArrayList<>();
            if (codec != null) {
                query(table, RecordTable.BY_VIDEO_CODEC, "videoCodec", codec, rows);
            } else if (container != null) {
                query(table, RecordTable.BY_CONTAINER, "container", container, rows);
            } else if (status != null) {
                query(table, RecordTable.BY_STATUS, "status", status, rows);
            } else {
                LocalDate today = LocalDate.now(ZoneOffset.UTC);
                for (int d = 0; d < days && rows.size() < max; d++) {
                    query(table, RecordTable.BY_UPLOAD_DATE, "uploadDate", today.minusDays(d).toString(), rows);
                }
            }
            print(rows);
            return 0;
        }
    }

    /** Adds the index's matches for {@code partition = value}, newest first, filtered by the other options. */
    private void query(String table, String index, String partition, String value, List<JsonNode> rows) {
        Map<String, String> names = new HashMap<>(Map.of("#p", partition));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", AttributeValue.fromS(value)));
        List<String> filters = new ArrayList<>();
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put("status", status);
        wanted.put("videoCodec", codec);
        wanted.put("container", container);
        int i = 0;
        for (var e : wanted.entrySet()) {
            if (e.getValue() != null && !e.getKey().equals(partition)) {
                names.put("#f" + i, e.getKey());
                values.put(":f" + i, AttributeValue.fromS(e.getValue()));
                filters.add("#f" + i + " = :f" + i);
                i++;
            }
        }
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryRequest.Builder request = QueryRequest.builder().tableName(table).indexName(index)
                    .keyConditionExpression("#p = :p").expressionAttributeNames(names)
                    .expressionAttributeValues(values).scanIndexForward(false).exclusiveStartKey(from);
            if (!filters.isEmpty()) {
                request.filterExpression(String.join(" AND ", filters));
            }
            QueryResponse page = deployment.dynamoDb().query(request.build());
            for (Map<String, AttributeValue> item : page.items()) {
                if (rows.size() == max) {
                    return;
                }
                rows.add(JsonAttributeValues.toJson(item));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    private void print(List<JsonNode> rows) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            rows.forEach(out::println);
            out.flush();
            return;
        }
        if (rows.isEmpty()) {
            spec.commandLine().getErr().println("no records match");
            spec.commandLine().getErr().flush();
            return;
        }
        Table table = new Table(List.of("UPLOADED", "STATUS", "CONTAINER", "CODEC", "DURATION", "SIZE", "OBJECT",
                "REASON"), 20, 8, 12, 8, 9, 10, 70, 80);
        for (JsonNode r : rows) {
            table.add(r.path("uploadedAt").asText(null), r.path("status").asText(null),
                    r.path("container").asText(null), r.path("videoCodec").asText(null),
                    r.has("durationMs") ? Durations.format(Duration.ofMillis(r.path("durationMs").asLong())) : null,
                    r.has("size") ? r.path("size").asText() : null,
                    "s3://" + r.path("bucket").asText() + "/" + r.path("objectKey").asText(),
                    r.path("reasons").path(0).asText(null));
        }
        table.print(out);
    }
}
