package dev.vidmeta.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.aws.S3RangedReader;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.LocalDeployment;
import dev.vidmeta.local.LocalRuntime;
import dev.vidmeta.local.events.ObjectCreatedEvent;
import dev.vidmeta.local.lambda.LocalFunction;
import dev.vidmeta.local.lambda.LocalLambda;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.MediaProbe;
import dev.vidmeta.probe.ProbeResult;
import dev.vidmeta.record.ObjectKeys;
import dev.vidmeta.testing.Await;
import dev.vidmeta.testing.SfnExecutions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The console in headless Chromium against the local runtime: uploads start executions of a pipeline shaped
 * like the project's (Pass, Choice, Parallel with a caught branch, a Task writing the record), the page lists
 * them, draws and colours the graph, shows the history and the record, and its Replay button redrives a failed
 * execution once its cause is fixed.
 *
 * <p>The functions are this test's (the probe one runs the real MediaProbe over S3 ranged reads); the console,
 * the runtime, the browser and every protocol between them are real.
 */
class ConsoleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "vidmeta-records";
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path workDir;

    private static final AtomicBoolean mergeBroken = new AtomicBoolean();
    private static LocalRuntime runtime;
    private static SfnClient sfn;
    private static DynamoDbClient dynamo;
    private static S3Client s3;
    private static ConsoleServer console;

    @BeforeAll
    static void start() {
        String definition = """
                {"QueryLanguage": "JSONata", "StartAt": "Check Object", "States": {
                  "Check Object": {"Type": "Pass",
                    "Output": "{%% {'object': {'bucket': $states.input.detail.bucket.name, 'key': $states.input.detail.object.key}} %%}",
                    "Next": "Route Object"},
                  "Route Object": {"Type": "Choice",
                    "Choices": [{"Condition": "{%% $not($exists($states.input.object.key)) %%}", "Next": "Not An Object Event"}],
                    "Default": "Probe And Analyze"},
                  "Not An Object Event": {"Type": "Fail", "Error": "vidmeta.NotAnObjectEvent"},
                  "Probe And Analyze": {"Type": "Parallel", "Branches": [
                      {"StartAt": "Probe Media", "States": {"Probe Media": {"Type": "Task",
                        "Resource": "arn:aws:states:::lambda:invoke",
                        "Arguments": {"FunctionName": "%s", "Payload": "{%% $states.input %%}"},
                        "Output": "{%% $states.result.Payload %%}", "End": true}}},
                      {"StartAt": "Analyze With Rekognition", "States": {
                        "Analyze With Rekognition": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                          "Arguments": {"FunctionName": "%s", "Payload": "{%% $states.input %%}"},
                          "Catch": [{"ErrorEquals": ["States.ALL"],
                            "Output": "{%% {'status': 'FAILED', 'error': $states.errorOutput.Error} %%}",
                            "Next": "Analysis Failed"}],
                          "End": true},
                        "Analysis Failed": {"Type": "Pass", "End": true}}}],
                    "Output": "{%% {'object': $states.input.object, 'probe': $states.result[0], 'analysis': $states.result[1]} %%}",
                    "Next": "Merge Record"},
                  "Merge Record": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Arguments": {"FunctionName": "%s", "Payload": "{%% $states.input %%}"},
                    "Output": "{%% $states.result.Payload %%}", "End": true}}}
                """.formatted(LocalLambda.arnOf("probe"), LocalLambda.arnOf("analyze"), LocalLambda.arnOf("merge"));
        var deployment = LocalDeployment.builder()
                .sourceBucket("uploads")
                .table(CreateTableRequest.builder().tableName(TABLE)
                        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                                .attributeType(ScalarAttributeType.S).build())
                        .billingMode(BillingMode.PAY_PER_REQUEST).build())
                .function(LocalFunction.of("probe", ConsoleIT::probeFunction, Map.of()).withTimeout(Duration.ofSeconds(30)))
                .function(LocalFunction.of("analyze", env -> (RequestStreamHandler) (in, out, ctx) -> {
                    throw new IllegalStateException("no Rekognition in this test");
                }, Map.of()))
                .function(LocalFunction.of("merge", ConsoleIT::mergeFunction, Map.of("RECORD_TABLE_NAME", TABLE))
                        .withTimeout(Duration.ofSeconds(10)))
                .stateMachine("video-metadata", definition)
                .build();
        runtime = LocalRuntime.start(deployment, LocalRuntime.Options.defaults(workDir));
        sfn = LocalAws.client(SfnClient.builder(), runtime.endpoints().get("SFN"));
        dynamo = LocalAws.client(DynamoDbClient.builder(), runtime.endpoints().get("DYNAMODB"));
        s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), runtime.endpoints().get("S3"));
        console = ConsoleServer.start(new ConsoleServer.Config(sfn, dynamo, runtime.stateMachineArn(), TABLE), 0);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {console, s3, dynamo, sfn, runtime}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }

    /** Probes the uploaded object with the real MediaProbe, reading it from the local S3 by ranges. */
    private static RequestStreamHandler probeFunction(Map<String, String> env) {
        S3Client client = LocalAws.client(S3Client.builder().forcePathStyle(true), URI.create(env.get("AWS_ENDPOINT_URL_S3")));
        MediaProbe probe = MediaProbe.create();
        return (in, out, ctx) -> {
            JsonNode object = JSON.readTree(in).get("object");
            ProbeResult result = probe.probe(S3RangedReader.create(client, object.get("bucket").asText(),
                    object.get("key").asText()), object.get("key").asText());
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("status", result.status().name());
            summary.put("container", result.metadata() == null ? null : result.metadata().general().format());
            out.write(JSON.writeValueAsBytes(summary));
        };
    }

    /** Writes the record keyed "bucket/key"; throws while {@link #mergeBroken} is set (the cause to fix). */
    private static RequestStreamHandler mergeFunction(Map<String, String> env) {
        DynamoDbClient client = LocalAws.client(DynamoDbClient.builder(), URI.create(env.get("AWS_ENDPOINT_URL_DYNAMODB")));
        String table = env.get("RECORD_TABLE_NAME");
        return (in, out, ctx) -> {
            if (mergeBroken.get()) {
                throw new IllegalStateException("record table unavailable (broken on purpose by the test)");
            }
            JsonNode input = JSON.readTree(in);
            String bucket = input.at("/object/bucket").asText();
            // the event's key is URL-encoded; the real merge resolves it with HeadObject, this stand-in decodes it
            String key = ObjectKeys.candidates(input.at("/object/key").asText()).getFirst();
            client.putItem(b -> b.tableName(table).item(Map.of(
                    "pk", AttributeValue.fromS(bucket + "/" + key),
                    "bucket", AttributeValue.fromS(bucket),
                    "objectKey", AttributeValue.fromS(key),
                    "status", AttributeValue.fromS("PARTIAL"),
                    "container", AttributeValue.fromS(input.at("/probe/container").asText()),
                    "probeStatus", AttributeValue.fromS(input.at("/probe/status").asText()),
                    "analysisStatus", AttributeValue.fromS(input.at("/analysis/status").asText()))));
            out.write("{\"written\": true}".getBytes(StandardCharsets.UTF_8));
        };
    }

    @Test
    void console_shouldListExecutions_drawTheirGraphHistoryAndRecord_andReplayAFailedOne() throws Exception {
        // GIVEN one execution that succeeds and one that fails in Merge Record, both from real uploads
        Path video = Fixtures.inTarget().path(Fixtures.Fixture.MP4_FASTSTART);
        s3.putObject(b -> b.bucket("uploads").key("in/ok.mp4"), RequestBody.fromFile(video));
        ExecutionListItem ok = awaitExecution("in/ok.mp4", ExecutionStatus.SUCCEEDED);
        mergeBroken.set(true);
        s3.putObject(b -> b.bucket("uploads").key("in/broken clip.mp4"), RequestBody.fromFile(video));
        ExecutionListItem broken = awaitExecution("in/broken clip.mp4", ExecutionStatus.FAILED);

        try (Chromium chromium = Chromium.launch()) {
            // WHEN the console is opened
            chromium.open(console.endpoint());

            // THEN both executions are listed with their objects and statuses
            JsonNode rows = chromium.await("both executions listed", WAIT, """
                    return [...document.querySelectorAll('#executions tbody tr')].map(tr =>
                        [tr.dataset.arn, tr.dataset.status, tr.querySelector('.object').textContent]);""",
                    v -> v.size() == 2);
            assertThat(rows.toString()).contains(ok.executionArn(), broken.executionArn(),
                    "s3://uploads/in/ok.mp4", "s3://uploads/in/broken clip.mp4");

            // WHEN the Failed filter is clicked THEN only the failed execution remains
            chromium.click("#filters button[data-status=FAILED]");
            JsonNode failedOnly = chromium.await("the failed filter applied", WAIT, """
                    return [...document.querySelectorAll('#executions tbody tr')].map(tr => tr.dataset.arn);""",
                    v -> v.size() == 1);
            assertThat(failedOnly.get(0).asText()).isEqualTo(broken.executionArn());
            chromium.click("#filters button[data-status='']");
            chromium.await("all executions listed again", WAIT,
                    "return document.querySelectorAll('#executions tbody tr').length;", v -> v.asInt() == 2);

            // WHEN the succeeded execution is selected
            chromium.click("#executions tbody tr[data-arn='" + ok.executionArn() + "']");

            // THEN its graph colours each state by what the history says, Catch included
            JsonNode okStates = awaitGraph(chromium, "Merge Record", "SUCCEEDED");
            assertThat(statuses(okStates)).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "Check Object", "SUCCEEDED", "Route Object", "SUCCEEDED", "Not An Object Event", "NOT_RUN",
                    "Probe And Analyze", "SUCCEEDED", "Probe Media", "SUCCEEDED",
                    "Analyze With Rekognition", "CAUGHT_ERROR", "Analysis Failed", "SUCCEEDED",
                    "Merge Record", "SUCCEEDED"));
            // and the colours are the console's: the stylesheet really applies to the boxes
            assertThat(chromium.script("""
                    return getComputedStyle(document.querySelector(
                        'g.state[data-state="Analyze With Rekognition"] rect')).fill;""").asText())
                    .isEqualTo("rgb(253, 230, 204)");
            // and an arrow for every transition, the Catch drawn as one
            assertThat(chromium.script("""
                    return [...document.querySelectorAll('path.edge.catch')].map(p => p.dataset.from + '>' + p.dataset.to);""")
                    .toString()).contains("Analyze With Rekognition>Analysis Failed");

            // and the history beside it is the execution's, event for event, each attributed to its state
            var history = SfnExecutions.history(sfn, ok.executionArn()).stream().map(e -> e.typeAsString()).toList();
            JsonNode historyRows = chromium.script("""
                    return [...document.querySelectorAll('#history tbody tr')].map(tr =>
                        [...tr.children].map(td => td.textContent));""");
            assertThat(historyRows).hasSize(history.size());
            List<String> renderedTypes = new ArrayList<>();
            historyRows.forEach(r -> renderedTypes.add(r.get(1).asText()));
            assertThat(renderedTypes).isEqualTo(history);
            assertThat(historyRows.toString()).contains("[\"" + (renderedTypes.indexOf("TaskFailed") + 1)
                    + "\",\"TaskFailed\",\"Analyze With Rekognition\"");

            // and the merged record is the item in the table, with what the real probe found
            JsonNode shown = JSON.readTree(chromium.await("the record shown", WAIT,
                    "return document.getElementById('record').dataset.found === 'true' ? "
                            + "document.getElementById('record').textContent : null;", v -> !v.isNull()).asText());
            var item = dynamo.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("uploads/in/ok.mp4"))))
                    .item();
            assertThat(shown.get("pk").asText()).isEqualTo(item.get("pk").s());
            assertThat(shown.get("container").asText()).isEqualTo("MPEG-4").isEqualTo(item.get("container").s());
            assertThat(shown.get("analysisStatus").asText()).isEqualTo("FAILED");
            // and a succeeded execution offers no replay
            assertThat(chromium.script("return document.getElementById('replay').hidden;").asBoolean()).isTrue();
            chromium.screenshot(SCREENSHOTS.resolve("succeeded.png"));

            // WHEN the failed execution is selected
            chromium.click("#executions tbody tr[data-arn='" + broken.executionArn() + "']");

            // THEN Merge Record is red, the branches green, there is no record yet, and Replay is offered
            JsonNode failedStates = awaitGraph(chromium, "Merge Record", "FAILED");
            assertThat(statuses(failedStates)).containsEntry("Probe Media", "SUCCEEDED")
                    .containsEntry("Probe And Analyze", "SUCCEEDED");
            chromium.await("no record message", WAIT,
                    "return document.getElementById('record').dataset.found === 'false' ? "
                            + "document.getElementById('record').textContent : null;",
                    v -> v.asText().contains("no record for s3://uploads/in/broken clip.mp4"));
            assertThat(chromium.script("return document.getElementById('detail-error').textContent;").asText())
                    .contains("broken on purpose");
            assertThat(chromium.script("return document.getElementById('replay').hidden;").asBoolean()).isFalse();
            chromium.screenshot(SCREENSHOTS.resolve("failed.png"));

            // WHEN the cause is fixed and Replay is clicked
            mergeBroken.set(false);
            chromium.click("#replay");

            // THEN the execution was redriven (not restarted) and succeeds, shown green, with its record
            assertThat(chromium.await("the replay outcome", WAIT,
                    "return document.getElementById('replay-result').dataset.action || null;", v -> !v.isNull())
                    .asText()).isEqualTo("REDRIVEN");
            awaitGraph(chromium, "Merge Record", "SUCCEEDED");
            chromium.await("the redriven execution shown as succeeded", WAIT,
                    "return document.getElementById('detail-status').textContent;",
                    v -> v.asText().startsWith("SUCCEEDED"));
            chromium.await("the record shown after the replay", WAIT,
                    "return document.getElementById('record').textContent;",
                    v -> v.asText().contains("\"objectKey\": \"in/broken clip.mp4\""));
            // and the graph is really on screen: what the browser hit-tests at the box's centre is that box
            assertThat(chromium.script("""
                    const g = document.querySelector('#graph g.state[data-state="Merge Record"]');
                    g.scrollIntoView({block: 'center'});
                    const r = g.querySelector('rect').getBoundingClientRect();
                    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                    return r.width > 50 && g.contains(hit);""").asBoolean()).isTrue();
            chromium.screenshot(SCREENSHOTS.resolve("replayed.png"));
        }

        // and behind the page: the same execution, redriven once, SUCCEEDED; still two executions; one record each
        var described = sfn.describeExecution(b -> b.executionArn(broken.executionArn()));
        assertThat(described.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(described.redriveCount()).isEqualTo(1);
        assertThat(SfnExecutions.executions(sfn, runtime.stateMachineArn())).hasSize(2);
        assertThat(dynamo.scan(b -> b.tableName(TABLE)).items()).extracting(i -> i.get("pk").s())
                .containsExactlyInAnyOrder("uploads/in/ok.mp4", "uploads/in/broken clip.mp4");
    }

    private static JsonNode awaitGraph(Chromium chromium, String state, String status) throws Exception {
        return chromium.await(state + " drawn as " + status, WAIT, """
                return [...document.querySelectorAll('#graph g.state')].map(g => [g.dataset.state, g.dataset.status]);""",
                v -> statuses(v).getOrDefault(state, "").equals(status));
    }

    private static Map<String, String> statuses(JsonNode pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        pairs.forEach(p -> map.put(p.get(0).asText(), p.get(1).asText()));
        return map;
    }

    /** Waits until the execution started by the upload of {@code key} has ended; asserts how. */
    private static ExecutionListItem awaitExecution(String key, ExecutionStatus status) {
        ExecutionListItem ended = Await.until("the execution for " + key + " to end", WAIT,
                () -> SfnExecutions.executions(sfn, runtime.stateMachineArn()).stream()
                        .filter(e -> ObjectKeys.candidates(ObjectCreatedEvent.objectOf(
                                sfn.describeExecution(b -> b.executionArn(e.executionArn())).input()).key()).contains(key))
                        .findFirst().orElse(null),
                e -> e != null && e.status() != ExecutionStatus.RUNNING);
        assertThat(ended.status()).as("execution for " + key).isEqualTo(status);
        return ended;
    }
}
