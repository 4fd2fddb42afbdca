package dev.vidmeta.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.analysis.AnalysisRequest;
import dev.vidmeta.analysis.AnalysisStarter;
import dev.vidmeta.analysis.JobCompletion;
import dev.vidmeta.probe.FileRangedReader;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.probe.MediaProbe;
import dev.vidmeta.probe.ObjectProbe;
import dev.vidmeta.probe.RangedReader;
import dev.vidmeta.record.ObjectHeads;
import dev.vidmeta.record.ObjectKeyResolver;
import dev.vidmeta.record.RecordMerger;
import dev.vidmeta.record.ResultLocation;
import dev.vidmeta.testing.Fakes;
import dev.vidmeta.testing.RepoFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Task states' functions may run twice for one task: Step Functions retries a Lambda task on transient
 * errors ("Handle Lambda service exceptions",
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html), a retried function
 * "might have run completely, partially, or not at all" ("Understanding retry behavior in Lambda",
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html), and the local twin invokes again a
 * function that a crash of {@code local up} cut off. Each handler, invoked twice with the same input, must leave
 * what one invocation leaves and answer the same.
 */
class ReinvocationTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T05:12:50Z"), ZoneOffset.UTC);

    @Test
    void probeMedia_shouldAnswerTheSame_andLeaveOneReport_whenInvokedTwiceWithTheSameInput() throws Exception {
        // GIVEN "Probe Media" over an MP4 that the bucket holds at version v1
        Fixtures fixtures = Fixtures.inTarget();
        List<String> opened = new ArrayList<>();
        ObjectProbe.Source source = new ObjectProbe.Source() {
            @Override
            public RangedReader version(String bucket, String key, String versionId) {
                opened.add(bucket + "/" + key + " " + versionId);
                try {
                    return FileRangedReader.open(fixtures.path(Fixture.MP4_FASTSTART));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public RangedReader etag(String bucket, String key, String etag) {
                throw new AssertionError("a versioned object is read by its version");
            }

            @Override
            public RangedReader latest(String bucket, String key) {
                throw new AssertionError("a versioned object is read by its version");
            }
        };
        Fakes.Results results = new Fakes.Results("results");
        ObjectHeads bucket = (name, key, versionId) -> new ObjectHeads.Head("etag1", versionId);
        ProbeMediaHandler handler = new ProbeMediaHandler(new ObjectProbe(new ObjectKeyResolver(bucket), source,
                MediaProbe.create(), results, new ResultLocation("results", "vidmeta/")),
                new EmfMetrics(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), CLOCK));
        String input = "{\"executionName\": \"4f1c\", \"object\": {\"bucket\": \"uploads\", \"key\": \"clips/a.mp4\","
                + " \"versionId\": \"v1\", \"etag\": \"etag1\", \"size\": 1000}}";

        // WHEN it is invoked, and invoked again with the same input
        JsonNode first = Invocations.invoke(handler, input);
        Map<String, String> afterFirst = Map.copyOf(results.documents());
        JsonNode second = Invocations.invoke(handler, input);

        // THEN both read the same version and answer the same (but for how long each took), and the one report
        // is the same document
        assertThat(opened).containsExactly("uploads/clips/a.mp4 v1", "uploads/clips/a.mp4 v1");
        ((ObjectNode) first.path("stats")).remove("wallMillis");
        ((ObjectNode) second.path("stats")).remove("wallMillis");
        assertThat(second).isEqualTo(first);
        assertThat(results.documents()).containsOnlyKeys("vidmeta/uploads/clips/a.mp4/v1/mediainfo.json")
                .isEqualTo(afterFirst);
    }

    @Test
    void startAnalysis_shouldStartOneJob_andKeepOneWaiter_whenInvokedTwiceWithTheSameToken() throws Exception {
        // GIVEN "Analyze With Rekognition" against a Rekognition that, as the API reference says of
        // ClientRequestToken, returns the same JobId for a token it has seen
        // (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_StartCelebrityRecognition.html)
        List<AnalysisRequest> requests = AnalysisRequest.parseList("celebrities");
        Fakes.Rekognition rekognition = new Fakes.Rekognition();
        Fakes.TaskTokens tokens = new Fakes.TaskTokens();
        Fakes.Callbacks callbacks = new Fakes.Callbacks();
        JobCompletion completion = new JobCompletion(rekognition, tokens, callbacks, new Fakes.Results("results"),
                new ResultLocation("results", ""), requests, CLOCK);
        StartAnalysisHandler handler = new StartAnalysisHandler(new AnalysisStarter(rekognition,
                (object, length) -> {
                    throw new IOException("the first bytes are not read in this test");
                }, tokens, completion, Fakes.admission(rekognition, callbacks, requests, CLOCK), requests, 18_000,
                CLOCK),
                new ObjectKeyResolver((bucket, key, versionId) -> new ObjectHeads.Head("etag1", versionId)));
        String input = "{\"taskToken\": \"AQCEAAAAKgAAAA-token\","
                + " \"executionId\": \"arn:aws:states:eu-west-1:111122223333:execution:vidmeta:4f1c\","
                + " \"executionName\": \"4f1c\", \"object\": {\"bucket\": \"uploads\", \"key\": \"clips/a.mp4\","
                + " \"versionId\": \"v1\", \"etag\": \"etag1\", \"size\": 31457280, \"sequencer\": \"617f08299329d189\"}}";

        // WHEN the function is invoked, and invoked again with the same input (and so the same task token)
        JsonNode first = Invocations.invoke(handler, input);
        JsonNode second = Invocations.invoke(handler, input);

        // THEN both starts carried the same ClientRequestToken, so one job runs, and both answers name it
        assertThat(rekognition.starts()).hasSize(2);
        assertThat(rekognition.starts().get(1)).isEqualTo(rekognition.starts().get(0));
        assertThat(second).isEqualTo(first);
        // AND the task token is registered for that job both times: the second registration is the first again
        assertThat(tokens.registrations()).hasSize(2);
        assertThat(tokens.registrations().get(1)).isEqualTo(tokens.registrations().get(0));
        assertThat(tokens.waitersOf(first.path("jobs").get(0).asText())).hasSize(1);
        assertThat(callbacks.sent()).isEmpty();
    }

    @Test
    void mergeRecord_shouldWriteTheSameItem_andAnswerTheSame_whenInvokedTwiceWithTheSameInput() throws Exception {
        // GIVEN "Merge Record" with both branches' outputs
        Fakes.Records records = new Fakes.Records();
        MergeRecordHandler handler = new MergeRecordHandler(
                new RecordMerger(records, new Fakes.Results("results"), new ResultLocation("results", ""),
                        new ObjectKeyResolver((name, key, versionId) ->
                                new ObjectHeads.Head("b1946ac92492d2347c6235b4d2611184", versionId))),
                new EmfMetrics(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), CLOCK),
                CLOCK);
        String input = RepoFiles.text("events/merge-record-input-failed.json");

        // WHEN it is invoked, and invoked again with the same input
        JsonNode first = Invocations.invoke(handler, input);
        JsonNode second = Invocations.invoke(handler, input);

        // THEN the second put is the same item under the same key, which the record store writes again as the
        // same record (DynamoDbRecordStoreIT: "a replay that succeeds again is idempotent"), and the answers match
        assertThat(records.puts).hasSize(2);
        assertThat(records.puts.get(1).recordId()).isEqualTo(records.puts.get(0).recordId());
        assertThat(records.puts.get(1).item()).isEqualTo(records.puts.get(0).item());
        assertThat(second).isEqualTo(first);
    }
}
