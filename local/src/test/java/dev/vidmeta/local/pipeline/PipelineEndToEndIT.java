package dev.vidmeta.local.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.PipelineDeployment;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.testing.RepoFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Uploads to the local S3 become records, through the real EventBridge rule, state machine, handlers, SNS and
 * the Rekognition emulator. Rekognition recognizes no one locally: celebrities appear only when a test supplies
 * canned detections for the object.
 */
class PipelineEndToEndIT {

    private static final Fixtures FIXTURES = Fixtures.inTarget();

    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    static Path workDir;

    private static PipelineRuntime p;

    @BeforeAll
    static void start() {
        p = new PipelineRuntime(workDir, PipelineDeployment.Settings.defaults(), Duration.ofMillis(500));
    }

    @AfterAll
    static void stop() {
        if (p != null) {
            p.close();
        }
    }

    @Test
    void happyPath_shouldRecordTechnicalMetadata_andTheCannedCelebrities() {
        // GIVEN canned detections for the object: three sightings of one celebrity, one of another
        String key = "happy/keynote.mp4";
        p.runtime.rekognition().cannedDetections(p.settings.sourceBucket(), key, cannedCelebrities());
        int before = p.executions().size();

        // WHEN
        String version = p.upload(key, FIXTURES.path(Fixture.MP4_MOOV_AT_END));
        List<ExecutionListItem> executions = p.awaitExecutions(before + 1, WAIT);

        // THEN
        ObjectNode record = p.record(key);
        assertThat(record.get("status").asText()).as(record.toString()).isEqualTo("COMPLETE");
        assertThat(record.get("reasons")).isEmpty();
        assertThat(record.get("versionId").asText()).isEqualTo(version);
        assertThat(record.get("container").asText()).isEqualTo("MPEG-4");
        assertThat(record.get("videoCodec").asText()).isEqualTo("AVC");
        assertThat(record.at("/technical/video/0/width").asInt()).isPositive();
        JsonNode celebrities = record.at("/analyses/celebrities/summary/celebrities");
        assertThat(celebrities.get(0).get("name").asText()).isEqualTo("Werner Vogels");
        assertThat(celebrities.get(0).get("appearances").asInt()).isEqualTo(3);
        assertThat(celebrities.get(0).get("lastSeenMs").asLong()).isEqualTo(61000);
        assertThat(celebrities.get(1).get("name").asText()).isEqualTo("Jane Example");
        assertThat(p.readJson(record.get("mediainfoUri").asText()).at("/media/track/0/@type").asText())
                .isEqualTo("General");
        assertThat(p.readJson(record.at("/rekognitionUris/celebrities").asText()).get("Celebrities")).hasSize(4);
        assertThat(executions).extracting(ExecutionListItem::executionArn)
                .contains(record.get("executionArn").asText());
    }

    @Test
    void nonH264Video_shouldBeProbed_andItsAnalysisSkipped() {
        String key = "codec/mpeg4-part2.mp4";
        int before = p.executions().size();

        p.upload(key, FIXTURES.path(Fixture.MP4_MPEG4_PART2));
        p.awaitExecutions(before + 1, WAIT);

        ObjectNode record = p.record(key);
        assertThat(record.get("status").asText()).as(record.toString()).isEqualTo("COMPLETE");
        assertThat(record.get("probeStatus").asText()).isEqualTo("OK");
        assertThat(record.get("analysisStatus").asText()).isEqualTo("SKIPPED");
        assertThat(record.get("videoCodec").asText()).isEqualTo("MPEG-4 Visual");
        assertThat(record.get("reasons").toString()).contains("Unsupported codec/format.");
    }

    /**
     * Rekognition Video reads "MPEG-4 and MOV" files "encoded using the H.264 codec"
     * (https://docs.aws.amazon.com/rekognition/latest/dg/video.html): a Matroska upload starts no job at all.
     */
    @Test
    void matroskaVideo_shouldBeProbed_andStartNoRekognitionJob() {
        String key = "codec/h264-opus.mkv";
        int before = p.executions().size();

        p.upload(key, FIXTURES.path(Fixture.MKV_H264_OPUS));
        p.awaitExecutions(before + 1, WAIT);

        // THEN the probe read it, and the analyses were SKIPPED from its first bytes, not by a failed job
        ObjectNode record = p.record(key);
        assertThat(record.get("status").asText()).as(record.toString()).isEqualTo("COMPLETE");
        assertThat(record.get("probeStatus").asText()).isEqualTo("OK");
        assertThat(record.get("container").asText()).isEqualTo("Matroska");
        assertThat(record.get("analysisStatus").asText()).isEqualTo("SKIPPED");
        assertThat(record.at("/analyses/celebrities/status").asText()).isEqualTo("SKIPPED");
        assertThat(record.at("/analyses/celebrities/reason").asText()).isEqualTo("the object is Matroska/WebM;"
                + " Rekognition Video reads MPEG-4 and MOV files encoded with H.264 only");
        assertThat(record.at("/analyses/celebrities").has("jobId")).isFalse();
    }

    @Test
    void nonMediaFile_shouldBeRecordedAsSkipped_withTheProbesReason() throws Exception {
        String key = "docs/not-a-video.mp4";
        Path text = Files.writeString(workDir.resolve("notes.txt"), "hello, this is not a video\n".repeat(100),
                StandardCharsets.UTF_8);
        int before = p.executions().size();

        p.upload(key, text);
        p.awaitExecutions(before + 1, WAIT);

        ObjectNode record = p.record(key);
        assertThat(record.get("status").asText()).as(record.toString()).isEqualTo("SKIPPED");
        assertThat(record.get("probeStatus").asText()).isEqualTo("NOT_MEDIA");
        assertThat(record.get("reasons").get(0).asText()).startsWith("probe: not a media file");
    }

    @Test
    void failedRekognitionJob_shouldGiveAPartialRecord_withRekognitionsMessage() throws Exception {
        // GIVEN a sidecar of detections the emulator cannot read: its job ends FAILED with an internal error.
        // (The sidecar's own upload is an event too, skipped by the suffix rule: two executions.)
        String key = "failing/job.mp4";
        Path broken = Files.writeString(workDir.resolve("broken.json"), "{ not json", StandardCharsets.UTF_8);
        int before = p.executions().size();
        p.upload(key + ".rekognition.json", broken);

        p.upload(key, FIXTURES.path(Fixture.MP4_MOOV_AT_END));
        p.awaitExecutions(before + 2, WAIT);

        ObjectNode record = p.record(key);
        assertThat(record.get("status").asText()).as(record.toString()).isEqualTo("PARTIAL");
        assertThat(record.get("probeStatus").asText()).isEqualTo("OK");
        assertThat(record.get("analysisStatus").asText()).isEqualTo("FAILED");
        assertThat(record.get("reasons").toString()).contains("RekognitionJobFailed").contains("Internal error");
        ObjectNode sidecar = p.record(key + ".rekognition.json");
        assertThat(sidecar.get("status").asText()).isEqualTo("SKIPPED");
        assertThat(sidecar.get("reasons").get(0).asText()).startsWith("skipped: outside the watched suffixes");
    }

    /**
     * S3 User Guide, "Event message structure": "The object key name value is URL encoded"
     * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html); the local S3
     * sends EventBridge keys that way, and the functions resolve them with HeadObject.
     */
    @Test
    void oddKey_shouldBeRecordedUnderTheExactRawKey_fromItsUrlEncodedEvent() {
        String key = "odd/Été 2026/100% fun + friends (café) 🎬.mp4";
        int before = p.executions().size();

        p.upload(key, FIXTURES.path(Fixture.MP4_MOOV_AT_END));
        p.awaitExecutions(before + 1, WAIT);

        ObjectNode record = p.record(key);
        assertThat(record).as("record under the raw key").isNotNull();
        assertThat(record.get("objectKey").asText()).isEqualTo(key);
        assertThat(record.get("status").asText()).as(record.toString()).isEqualTo("COMPLETE");
        assertThat(record.get("keyForm").asText()).isEqualTo("DECODED");
        assertThat(record.get("eventKey").asText())
                .isEqualTo("odd/%C3%89t%C3%A9+2026/100%25+fun+%2B+friends+%28caf%C3%A9%29+%F0%9F%8E%AC.mp4");
        assertThat(record.get("mediainfoUri").asText()).contains(key);
        assertThat(record.at("/analyses/celebrities/status").asText()).isEqualTo("OK");
    }

    @Test
    void keyThatLooksEncoded_shouldBeRecordedUnderItself_besideTheKeyItDecodesTo() {
        // GIVEN two objects: one really named "a%2Bb.mp4", one named "a+b.mp4" (what the first decodes to)
        String looksEncoded = "lookalike/a%2Bb.mp4";
        String plus = "lookalike/a+b.mp4";
        int before = p.executions().size();

        p.upload(looksEncoded, FIXTURES.path(Fixture.MP4_MOOV_AT_END));
        p.upload(plus, FIXTURES.path(Fixture.MP4_MPEG4_PART2));
        p.awaitExecutions(before + 2, WAIT);

        // THEN each has its own COMPLETE record, of its own file
        ObjectNode first = p.record(looksEncoded);
        ObjectNode second = p.record(plus);
        assertThat(first.get("status").asText()).as(first.toString()).isEqualTo("COMPLETE");
        assertThat(first.get("videoCodec").asText()).isEqualTo("AVC");
        assertThat(second.get("status").asText()).as(second.toString()).isEqualTo("COMPLETE");
        assertThat(second.get("videoCodec").asText()).isEqualTo("MPEG-4 Visual");
        assertThat(p.record("lookalike/a b.mp4")).as("no record under a key no object has").isNull();
    }

    @Test
    void rawKeyEvent_shouldBeResolvedToo_andRecordThatTheRawFormMatched() {
        // GIVEN an upload whose record came from the URL-encoded event
        String key = "raw/a+b c.mp4";
        int before = p.executions().size();
        p.upload(key, FIXTURES.path(Fixture.MP4_MOOV_AT_END));
        p.awaitExecutions(before + 1, WAIT);
        assertThat(p.record(key).get("keyForm").asText()).isEqualTo("DECODED");

        // WHEN the same event arrives with the key raw, as some emulators send EventBridge keys
        p.runtime.eventBridge().putEvent(eventFor(p.record(key)));
        p.awaitExecutions(before + 2, WAIT);

        // THEN the same record is rewritten from the raw form
        ObjectNode record = p.record(key);
        assertThat(record.get("status").asText()).as(record.toString()).isEqualTo("COMPLETE");
        assertThat(record.get("keyForm").asText()).isEqualTo("RAW");
        assertThat(record.has("eventKey")).isFalse();
    }

    @Test
    void keyMatchingNeitherForm_shouldGetAFailedRecord_thatSaysSo() {
        // GIVEN an event for an object that exists under neither reading of its key
        String key = "missing/ghost+clip.mp4";
        int before = p.executions().size();
        ObjectNode fake = new ObjectMapper().createObjectNode()
                .put("bucket", p.settings.sourceBucket()).put("objectKey", key).put("size", 1000)
                .put("etag", "0123456789abcdef0123456789abcdef").put("versionId", "no-such-version")
                .put("sequencer", "617F0A00").put("uploadedAt", "2026-11-21T05:12:45Z");

        // WHEN
        p.runtime.eventBridge().putEvent(eventFor(fake));
        p.awaitExecutions(before + 1, WAIT);

        // THEN a FAILED record under the key as sent names both readings
        ObjectNode record = p.record(key);
        assertThat(record.get("status").asText()).as(record.toString()).isEqualTo("FAILED");
        assertThat(record.get("keyForm").asText()).isEqualTo("UNMATCHED");
        assertThat(record.get("probeStatus").asText()).isEqualTo("NOT_FOUND");
        List<String> reasons = new ArrayList<>();
        record.get("reasons").forEach(r -> reasons.add(r.asText()));
        assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("probe: NOT_FOUND")
                .contains("object key: neither \"missing/ghost clip.mp4\"")
                .contains("nor \"missing/ghost+clip.mp4\" (the key as sent) holds version no-such-version"));
    }

    @Test
    void duplicatedEvent_shouldLeaveOneRecord_fromOneRekognitionJob() {
        String key = "dup/clip.mp4";
        int before = p.executions().size();
        p.upload(key, FIXTURES.path(Fixture.MP4_MOOV_AT_END));
        p.awaitExecutions(before + 1, WAIT);
        ObjectNode first = p.record(key);

        // WHEN EventBridge delivers the same event twice more
        String event = eventFor(first);
        p.runtime.eventBridge().putEvent(event);
        p.runtime.eventBridge().putEvent(event);
        List<ExecutionListItem> all = p.awaitExecutions(before + 3, WAIT);

        // THEN every execution succeeded, the record is the same version, and Rekognition ran one job
        assertThat(all).allMatch(e -> e.status() == ExecutionStatus.SUCCEEDED);
        ObjectNode after = p.record(key);
        assertThat(after.get("status").asText()).isEqualTo("COMPLETE");
        assertThat(after.get("versionId").asText()).isEqualTo(first.get("versionId").asText());
        assertThat(after.at("/analyses/celebrities/jobId").asText())
                .isEqualTo(first.at("/analyses/celebrities/jobId").asText());
    }

    @Test
    void olderVersionArrivingLast_shouldNotReplaceTheNewerRecord() {
        String key = "versions/clip.mp4";
        int before = p.executions().size();
        String v1 = p.upload(key, FIXTURES.path(Fixture.MP4_MOOV_AT_END));
        p.awaitExecutions(before + 1, WAIT);
        String olderEvent = eventFor(p.record(key));
        String v2 = p.upload(key, FIXTURES.path(Fixture.MP4_MPEG4_PART2));
        p.awaitExecutions(before + 2, WAIT);
        assertThat(p.record(key).get("versionId").asText()).isEqualTo(v2);

        // WHEN the first version's event arrives again, late
        p.runtime.eventBridge().putEvent(olderEvent);
        List<ExecutionListItem> all = p.awaitExecutions(before + 3, WAIT);

        // THEN the record still describes the newer version
        ObjectNode record = p.record(key);
        assertThat(v1).isNotEqualTo(v2);
        assertThat(record.get("versionId").asText()).isEqualTo(v2);
        assertThat(record.get("videoCodec").asText()).isEqualTo("MPEG-4 Visual");
        String lateOutput = p.sfn.describeExecution(b -> b.executionArn(all.stream()
                .filter(e -> !e.executionArn().equals(record.get("executionArn").asText()))
                .reduce((a, b2) -> b2.startDate().isAfter(a.startDate()) ? b2 : a).orElseThrow()
                .executionArn())).output();
        assertThat(lateOutput).contains("KEPT_NEWER");
    }

    /**
     * S3 User Guide, "EventBridge event message structure": a DeleteObject without a version in a versioned
     * bucket sends "Object Deleted" with {@code deletion-type} "Delete Marker Created"
     * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html); the creation's event, replayed late,
     * is ordered before it by the sequencer rule ("Event message structure",
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
     */
    @Test
    void deleteObject_shouldMarkTheRecordDeleted_andALateCreationEventShouldNotReviveIt() {
        // GIVEN a COMPLETE record
        String key = "deleted/clip.mp4";
        int before = p.executions().size();
        String version = p.upload(key, FIXTURES.path(Fixture.MP4_MOOV_AT_END));
        p.awaitExecutions(before + 1, WAIT);
        ObjectNode complete = p.record(key);
        assertThat(complete.get("status").asText()).as(complete.toString()).isEqualTo("COMPLETE");
        String creationEvent = eventFor(complete);

        // WHEN the object is deleted as `aws s3 rm` does: DeleteObject without a version id
        var delete = p.s3.deleteObject(b -> b.bucket(p.settings.sourceBucket()).key(key));
        p.awaitExecutions(before + 2, WAIT);

        // THEN the record is DELETED, says when and why, and still describes the version it had
        ObjectNode deleted = p.record(key);
        assertThat(delete.deleteMarker()).isTrue();
        assertThat(deleted.get("status").asText()).as(deleted.toString()).isEqualTo("DELETED");
        assertThat(deleted.at("/deletion/reason").asText()).isEqualTo("DeleteObject");
        assertThat(deleted.at("/deletion/type").asText()).isEqualTo("Delete Marker Created");
        assertThat(deleted.at("/deletion/versionId").asText()).isEqualTo(delete.versionId());
        assertThat(deleted.get("deletedAt").asText()).isNotBlank();
        assertThat(deleted.get("versionId").asText()).isEqualTo(version);
        assertThat(deleted.get("videoCodec").asText()).isEqualTo("AVC");

        // WHEN the creation's (older) event arrives again
        p.runtime.eventBridge().putEvent(creationEvent);
        p.awaitExecutions(before + 3, WAIT);

        // THEN the record stays DELETED
        assertThat(p.record(key).get("status").asText()).isEqualTo("DELETED");
    }

    /**
     * A DeleteObject with a version id permanently deletes that version: "Permanently Deleted" (S3 User Guide,
     * "EventBridge event message structure", https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
     */
    @Test
    void deletingAnOlderVersion_shouldLeaveTheRecordAlone_butDeletingTheRecordedOneShouldMarkIt() {
        // GIVEN two versions, the record describing the second
        String key = "deleted versions/clip.mp4";
        int before = p.executions().size();
        String v1 = p.upload(key, FIXTURES.path(Fixture.MP4_MOOV_AT_END));
        p.awaitExecutions(before + 1, WAIT);
        String v2 = p.upload(key, FIXTURES.path(Fixture.MP4_MPEG4_PART2));
        p.awaitExecutions(before + 2, WAIT);
        assertThat(p.record(key).get("versionId").asText()).isEqualTo(v2);

        // WHEN the older version is permanently deleted
        p.s3.deleteObject(b -> b.bucket(p.settings.sourceBucket()).key(key).versionId(v1));
        p.awaitExecutions(before + 3, WAIT);

        // THEN the record is unchanged
        ObjectNode kept = p.record(key);
        assertThat(kept.get("status").asText()).as(kept.toString()).isEqualTo("COMPLETE");
        assertThat(kept.has("deletedAt")).isFalse();

        // WHEN the recorded version is permanently deleted
        p.s3.deleteObject(b -> b.bucket(p.settings.sourceBucket()).key(key).versionId(v2));
        p.awaitExecutions(before + 4, WAIT);

        // THEN the record is DELETED, naming that version
        ObjectNode deleted = p.record(key);
        assertThat(deleted.get("status").asText()).as(deleted.toString()).isEqualTo("DELETED");
        assertThat(deleted.at("/deletion/type").asText()).isEqualTo("Permanently Deleted");
        assertThat(deleted.at("/deletion/versionId").asText()).isEqualTo(v2);
    }

    @Test
    void burstOf25Uploads_shouldAllBeComplete_despiteRekognitionsTwentyJobLimit() throws Exception {
        int before = p.executions().size();
        ExecutorService pool = Executors.newFixedThreadPool(25);
        try {
            List<Future<String>> uploads = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                String key = "burst/clip-" + i + ".mp4";
                uploads.add(pool.submit(() -> p.upload(key, FIXTURES.path(Fixture.MP4_MOOV_AT_END))));
            }
            for (Future<String> f : uploads) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        p.awaitExecutions(before + 25, Duration.ofMinutes(5));

        for (int i = 0; i < 25; i++) {
            ObjectNode record = p.record("burst/clip-" + i + ".mp4");
            assertThat(record).as("record %d", i).isNotNull();
            assertThat(record.get("status").asText()).as(record.toString()).isEqualTo("COMPLETE");
        }
    }

    /** The EventBridge event S3 sent for the version a record describes (events/s3-object-created.json). */
    private static String eventFor(ObjectNode record) {
        ObjectNode event = (ObjectNode) RepoFiles.event("s3-object-created.json");
        event.withArray("resources").removeAll().add("arn:aws:s3:::" + record.get("bucket").asText());
        event.withObject("/detail/bucket").put("name", record.get("bucket").asText());
        ObjectNode object = event.withObject("/detail/object");
        object.put("key", record.get("objectKey").asText());
        object.put("size", record.get("size").asLong());
        object.put("etag", record.get("etag").asText());
        object.put("version-id", record.get("versionId").asText());
        object.put("sequencer", record.get("sequencer").asText());
        event.put("time", record.get("uploadedAt").asText());
        return event.toString();
    }

    private static String cannedCelebrities() {
        ObjectNode canned = new ObjectMapper().createObjectNode();
        canned.set("Celebrities", RepoFiles.event("rekognition-get-celebrity-recognition.json").get("Celebrities"));
        return canned.toString();
    }
}
