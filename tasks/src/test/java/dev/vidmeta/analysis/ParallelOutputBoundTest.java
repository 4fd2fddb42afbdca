package dev.vidmeta.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.handler.ProbeMediaHandler;
import dev.vidmeta.probe.ProbeResult;
import dev.vidmeta.probe.ProbeStats;
import dev.vidmeta.probe.TechnicalMetadata;
import dev.vidmeta.record.JsonSize;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.record.ProbeStatus;
import dev.vidmeta.record.ResultLocation;
import dev.vidmeta.testing.Fakes;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The worst case of what "Probe And Analyze" outputs, and "Merge Record" receives, stays under Step Functions'
 * 256 KiB: "Maximum input or output size for a task, state, or execution: 256 KiB of data as a UTF-8 encoded
 * string" ("Step Functions service quotas", https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
 * Over it, the execution fails with States.DataLimitExceeded, which "cannot be caught by the States.ALL error
 * type" ("Handling errors in Step Functions workflows",
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html), so no record would be
 * written. Every text here is as long as its source allows, made of characters that escape to the most bytes.
 */
class ParallelOutputBoundTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LIMIT = 256 * 1024;
    /** Escapes to \\u0001: six bytes per character, the most a one-byte character can take. */
    private static final String WORST = "\u0001";
    private static final String BUCKET = "b".repeat(63);

    private static final ResultLocation LOCATION = new ResultLocation(BUCKET, "vidmeta/");

    /**
     * S3: a key is at most 1,024 bytes of UTF-8; a version id at most 1,024 URL-ready bytes. The results keys
     * mirror the source key while they fit S3's 1,024 bytes and hash it beyond, so the longest object reference
     * (1,024) and the longest results URIs (the longest key still mirrored, about 880) are separate cases.
     */
    private static ObjectRef object(int keyBytes, int versionIdBytes) {
        return new ObjectRef(BUCKET, WORST.repeat(keyBytes), "v".repeat(versionIdBytes),
                "d41d8cd98f00b204e9800998ecf8427e-10000", 10L * 1024 * 1024 * 1024, "0".repeat(32),
                "2026-12-03T05:00:00Z", "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "CompleteMultipartUpload");
    }

    @ParameterizedTest
    @CsvSource({"1024, 1024", "900, 32", "880, 32"})
    void parallelOutput_shouldStayUnder256KiB_whenEveryPartIsAtItsLargest(int keyBytes, int versionIdBytes) {
        ObjectRef ref = object(keyBytes, versionIdBytes);
        // GIVEN the largest object reference, the probe of a file with 800 tracks and 5,000-character texts, and
        // all six analyses with a thousand detections each (several times their budget), summarized at it
        JsonNode object = JSON.valueToTree(ref);
        JsonNode probe = JSON.valueToTree(largestProbeOutput(ref));
        JsonNode analysis = largestAnalysisOutput(ref);

        // WHEN the Parallel state's Output is assembled as the ASL does, and Merge Record adds the execution
        ObjectNode parallel = JSON.createObjectNode();
        parallel.set("object", object);
        parallel.set("probe", probe);
        parallel.set("analysis", analysis);
        ObjectNode mergePayload = parallel.deepCopy();
        mergePayload.putObject("execution")
                .put("id", "arn:aws:states:ap-southeast-2:123456789012:execution:" + "m".repeat(80) + ":" + "e".repeat(80))
                .put("name", "e".repeat(80))
                .put("startTime", "2026-12-03T05:00:00.000Z");

        // THEN both stay under 256 KiB however Step Functions re-serializes them
        String parts = "key " + keyBytes + ": object " + JsonSize.worstCase(object) + ", probe " + JsonSize.worstCase(probe)
                + ", analysis " + JsonSize.worstCase(analysis);
        assertThat(analysis.path("status").asText()).isEqualTo("OK");
        assertThat(analysis.get("analyses")).hasSize(6);
        assertThat(probe.at("/technical/tracksOmitted/text").asInt()).as(parts).isPositive();
        assertThat(JsonSize.worstCase(parallel)).as(parts).isLessThanOrEqualTo(LIMIT);
        assertThat(JsonSize.worstCase(mergePayload)).as(parts).isLessThanOrEqualTo(LIMIT);
    }

    private static ProbeMediaHandler.Output largestProbeOutput(ObjectRef object) {
        ObjectNode report = JSON.createObjectNode();
        ArrayNode tracks = report.putObject("media").putArray("track");
        String text = WORST.repeat(5000);
        tracks.addObject().put("@type", "General").put("Format", text).put("Format_Profile", text)
                .put("Encoded_Date", text).put("Tagged_Date", text).put("Recorded_Date", text)
                .put("Encoded_Application", text).put("Encoded_Library", text).put("Title", text);
        for (int i = 0; i < 800; i++) {
            tracks.addObject().put("@type", i < 100 ? "Video" : i < 200 ? "Audio" : "Text").put("ID", text)
                    .put("Format", text).put("CodecID", text).put("Language", text).put("Title", text);
        }
        ProbeResult result = new ProbeResult(ProbeStatus.TRUNCATED, text.repeat(4), "s3://" + BUCKET + "/" + text,
                report, TechnicalMetadata.fromMediaInfo(report), new ProbeStats(Long.MAX_VALUE, Long.MAX_VALUE,
                Long.MAX_VALUE));
        return ProbeMediaHandler.Output.of(result, "s3://" + BUCKET + "/" + LOCATION.keyFor(object, "mediainfo.json"));
    }

    /** Runs the real start and completion with every analysis, and returns what SendTaskSuccess carries. */
    private static JsonNode largestAnalysisOutput(ObjectRef object) {
        List<AnalysisRequest> requests = AnalysisRequest.parseList("celebrities,labels,faces,text,moderation,segments");
        JsonNode detections = largestDetections();
        Map<String, Analysis> jobs = new LinkedHashMap<>();
        VideoAnalyzer analyzer = new VideoAnalyzer() {
            @Override
            public String start(AnalysisRequest request, ObjectRef object, String token, String jobTag) {
                String jobId = "j".repeat(63) + jobs.size(); // Rekognition: JobId is 1..64 characters
                jobs.put(jobId, request.analysis());
                return jobId;
            }

            @Override
            public JobState status(Analysis analysis, String jobId) {
                return new JobState("IN_PROGRESS", null);
            }

            @Override
            public JsonNode results(Analysis analysis, String jobId) {
                return detections;
            }
        };
        InMemoryTokens tokens = new InMemoryTokens();
        List<String> outputs = new ArrayList<>();
        TaskCallbacks callbacks = new TaskCallbacks() {
            @Override
            public Delivery success(String taskToken, String outputJson) {
                outputs.add(outputJson);
                return Delivery.DELIVERED;
            }

            @Override
            public Delivery failure(String taskToken, String error, String cause) {
                throw new AssertionError("no analysis fails here: " + cause);
            }

            @Override
            public boolean waiting(String taskToken) {
                return true;
            }
        };
        Clock clock = Clock.fixed(Instant.parse("2026-12-03T05:00:00Z"), ZoneOffset.UTC);
        JobCompletion completion = new JobCompletion(analyzer, tokens, callbacks,
                (key, json) -> "s3://" + BUCKET + "/" + key, LOCATION, requests, clock);
        // The bound concerns results: a head that cannot be read lets every job start.
        AnalysisStarter starter = new AnalysisStarter(analyzer, (ref, length) -> {
            throw new IOException("not read in this test");
        }, tokens, completion, new AnalysisAdmission(new Fakes.Slots(), new Fakes.Waiting(), callbacks, analyzer,
                requests.stream().map(AnalysisRequest::analysis).toList(), requests.size(), Duration.ofHours(4), 3600,
                clock), requests, 3600, clock);

        starter.start("token", "arn:aws:states:ap-southeast-2:123456789012:execution:m:e", object);
        jobs.keySet().forEach(jobId -> completion.onJobFinished(jobId, new JobState("SUCCEEDED", null)));

        assertThat(outputs).hasSize(1);
        try {
            return JSON.readTree(outputs.get(0));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A thousand detections of every kind, in one document, every text made of the costliest characters. */
    private static JsonNode largestDetections() {
        String text = WORST.repeat(100);
        ObjectNode all = JSON.createObjectNode();
        all.putObject("VideoMetadata").put("Codec", "h264").put("Format", "QuickTime / MOV")
                .put("DurationMillis", Long.MAX_VALUE).put("FrameRate", 29.97).put("FrameHeight", 2160)
                .put("FrameWidth", 3840).put("ColorRange", "LIMITED");
        ArrayNode celebrities = all.putArray("Celebrities");
        ArrayNode labels = all.putArray("Labels");
        ArrayNode lines = all.putArray("TextDetections");
        ArrayNode moderation = all.putArray("ModerationLabels");
        ArrayNode faces = all.putArray("Faces");
        ArrayNode segments = all.putArray("Segments");
        for (int i = 0; i < 1000; i++) {
            ObjectNode c = celebrities.addObject().put("Timestamp", i * 1000L).putObject("Celebrity");
            c.put("Name", text + i).put("Id", "id" + i).put("Confidence", 99.99);
            c.putArray("Urls").add(text).add(text);
            ObjectNode l = labels.addObject().put("Timestamp", i * 1000L).putObject("Label");
            l.put("Name", text + i).put("Confidence", 99.99);
            l.putArray("Parents").addObject().put("Name", text);
            l.putArray("Categories").addObject().put("Name", text);
            lines.addObject().put("Timestamp", i * 1000L).putObject("TextDetection")
                    .put("DetectedText", text + i).put("Type", "LINE").put("Confidence", 99.99);
            moderation.addObject().put("Timestamp", i * 1000L).putObject("ModerationLabel")
                    .put("Name", text + i).put("ParentName", text).put("Confidence", 99.99);
            faces.addObject().put("Timestamp", i * 1000L).putObject("Face").put("Confidence", 99.99);
            ObjectNode s = segments.addObject().put("Type", "SHOT").put("StartTimestampMillis", i * 1000L)
                    .put("EndTimestampMillis", i * 1000L + 999).put("DurationMillis", 999);
            s.putObject("ShotSegment").put("Index", i).put("Confidence", 99.99);
        }
        return all;
    }

    /** A TaskTokenStore in memory: one waiter, its jobs and their results. */
    private static final class InMemoryTokens implements TaskTokenStore {
        private final Map<String, Analysis> jobs = new LinkedHashMap<>();
        private final Map<String, String> results = new LinkedHashMap<>();
        private String waiterId;
        private String token;
        private ObjectRef object;
        private boolean sent;

        @Override
        public void register(String waiterId, String taskToken, ObjectRef object, Map<String, Analysis> jobs,
                Map<String, String> knownResults, long registeredAtMillis, long expiresAtEpochSeconds) {
            this.waiterId = waiterId;
            this.token = taskToken;
            this.object = object;
            this.jobs.putAll(jobs);
            this.results.putAll(knownResults);
        }

        @Override
        public List<JobWaiter> waitersOf(String jobId) {
            return jobs.containsKey(jobId) ? List.of(new JobWaiter(waiterId, jobs.get(jobId), object, 0)) : List.of();
        }

        @Override
        public Progress recordResult(String waiterId, String jobId, Analysis analysis, String resultJson) {
            boolean applied = results.putIfAbsent(analysis.code(), resultJson) == null;
            return new Progress(applied, results.size() == jobs.size(), sent, token, Map.copyOf(results));
        }

        @Override
        public void markSent(String waiterId) {
            sent = true;
        }
    }
}
