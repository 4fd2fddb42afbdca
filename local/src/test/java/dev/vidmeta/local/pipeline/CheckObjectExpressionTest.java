package dev.vidmeta.local.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.testing.RepoFiles;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Evaluates the state machine's "Check Object" JSONata and the "Route Object" rules that read its variables
 * (rendered as templatefile() would) against the events/ samples with the same JSONata library the local engine
 * uses, so the skip rules are pinned down without running an execution.
 */
class CheckObjectExpressionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> VARS = Map.of(
            "watched_prefixes", "uploads/,incoming/",
            "watched_suffixes", ".mp4,.MOV,.mkv",
            "results_bucket", "vidmeta-uploads-111122223333",
            "results_prefix", "uploads/_results/",
            "analysis_timeout_seconds", "14400",
            "probe_function_arn", "probe",
            "start_analysis_function_arn", "start",
            "merge_record_function_arn", "merge");

    @Test
    void checkObject_shouldNormalizeTheReference_andPassTheKeyOnAsSent() throws Exception {
        // GIVEN the key URL-encoded, as S3 notifications send keys ("Event message structure", S3 User Guide)
        Map<String, Object> out = check("s3-object-created-odd-key.json", Map.of());

        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) out.get("object");
        assertThat(object).containsEntry("bucket", "vidmeta-uploads-111122223333")
                .containsEntry("key", "uploads/%C3%89t%C3%A9+2026/100%25+fun+%2B+friends+%28caf%C3%A9%29+%F0%9F%8E%AC.mp4")
                .containsEntry("versionId", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY")
                .containsEntry("etag", "9b2cf535f27731c974343645a3985328")
                .containsEntry("sequencer", "00617F0A5B2C8D7E11")
                .containsEntry("eventTime", "2026-11-21T05:31:17Z")
                .containsEntry("reason", "PutObject");
        assertThat(((Number) object.get("size")).longValue()).isEqualTo(5242880L);
        assertThat(out).doesNotContainKey("skipReason");
        // AND the same key sent raw (the EventBridge page does not say which) passes on unchanged too
        assertThat(((Map<?, ?>) check("s3-object-created-odd-key-raw.json", Map.of()).get("object")).get("key"))
                .isEqualTo("uploads/Été 2026/100% fun + friends (café) 🎬.mp4");
    }

    @Test
    void checkObject_shouldMatchPrefixesAndSuffixes_inTheKeysEncodedFormToo() throws Exception {
        // GIVEN a prefix and a suffix that URL-encoding changes
        Map<String, String> vars = new LinkedHashMap<>(VARS);
        vars.put("watched_prefixes", "my videos/");
        vars.put("watched_suffixes", ".mp4,.m p4");

        // THEN the key matches them raw, encoded with '/' kept, and encoded with '/' as %2F
        assertThat(check("s3-object-created.json", Map.of("key", "my videos/a b.mp4"), vars))
                .doesNotContainKey("skipReason");
        assertThat(check("s3-object-created.json", Map.of("key", "my+videos/a+b.mp4"), vars))
                .doesNotContainKey("skipReason");
        assertThat(check("s3-object-created.json", Map.of("key", "my+videos%2Fa+b.m+p4"), vars))
                .doesNotContainKey("skipReason");
        assertThat((String) check("s3-object-created.json", Map.of("key", "my+music/a.mp4"), vars).get("skipReason"))
                .startsWith("outside the watched prefixes");
    }

    /**
     * AWS's "Object deleted" examples (S3 User Guide, "EventBridge event message structure",
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html): the deletion's type, reason and time
     * go to "Mark Deleted" beside the object reference.
     */
    @Test
    void checkObject_shouldNoteTheDeletion_forAnObjectDeletedEvent() throws Exception {
        Map<String, Object> marker = check("s3-object-deleted.json", Map.of());
        Map<String, Object> lifecycle = check("s3-object-deleted-lifecycle.json", Map.of());

        assertThat(marker.get("deletion")).isEqualTo(Map.of("type", "Delete Marker Created",
                "reason", "DeleteObject", "time", "2026-11-22T09:30:00Z"));
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) marker.get("object");
        assertThat(object).containsEntry("versionId", "1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF")
                .containsEntry("sequencer", "617f0837b476e463").doesNotContainKey("size");
        assertThat(lifecycle.get("deletion").toString()).contains("reason=Lifecycle Expiration");
        assertThat(check("s3-object-created.json", Map.of())).doesNotContainKey("deletion");
    }

    @Test
    void checkObject_shouldOmitVersion_whenBucketIsUnversioned() throws Exception {
        Map<String, Object> out = check("s3-object-created-unversioned.json", Map.of());

        assertThat(((Map<?, ?>) out.get("object")).containsKey("versionId")).isFalse();
        assertThat(out).doesNotContainKey("skipReason");
    }

    @Test
    void checkObject_shouldSkipZeroByteObjects() throws Exception {
        assertThat(check("s3-object-created-zero-byte.json", Map.of())).containsEntry("skipReason", "zero-byte object");
    }

    @Test
    void checkObject_shouldSkipItsOwnResults_beforeAnyOtherRule() throws Exception {
        Map<String, Object> out = check("s3-object-created.json", Map.of("key", "uploads/_results/x/mediainfo.json"));

        assertThat((String) out.get("skipReason")).startsWith("written by the pipeline itself");
    }

    @Test
    void checkObject_shouldSkip_whenOutsidePrefixesOrSuffixes() throws Exception {
        assertThat((String) check("s3-object-created.json", Map.of("key", "other/keynote.mp4")).get("skipReason"))
                .startsWith("outside the watched prefixes");
        assertThat((String) check("s3-object-created.json", Map.of("key", "uploads/notes.pdf")).get("skipReason"))
                .startsWith("outside the watched suffixes");
        // a key starting with a character outside the BMP (a surrogate pair in Java strings)
        assertThat((String) check("s3-object-created.json", Map.of("key", "🎬/x.mp4")).get("skipReason"))
                .startsWith("outside the watched prefixes");
        // suffixes compare without case: ".MOV" configured, ".mov" uploaded, and the other way round
        assertThat(check("s3-object-created-multipart.json", Map.of())).doesNotContainKey("skipReason");
        assertThat(check("s3-object-created.json", Map.of("key", "incoming/CLIP.MP4"))).doesNotContainKey("skipReason");
    }

    @Test
    void checkObject_shouldAcceptEverything_whenNoPrefixOrSuffixConfigured() throws Exception {
        Map<String, String> open = new LinkedHashMap<>(VARS);
        open.put("watched_prefixes", "");
        open.put("watched_suffixes", "");

        assertThat(check("s3-object-created.json", Map.of("key", "anything/at/all.bin"), open))
                .doesNotContainKey("skipReason");
    }

    private static Map<String, Object> check(String event, Map<String, Object> objectOverrides) throws IOException {
        return check(event, objectOverrides, VARS);
    }

    /**
     * "Check Object" then "Route Object": Check Object's Assign and Output both read its input, and Route Object's
     * Output, which reads Check Object's variables, gives the output, as the local engine does.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> check(String event, Map<String, Object> objectOverrides,
            Map<String, String> vars) throws IOException {
        Map<String, Object> input = JSON.readValue(RepoFiles.text("events/" + event),
                new TypeReference<>() {});
        ((Map<String, Object>) ((Map<String, Object>) input.get("detail")).get("object")).putAll(objectOverrides);
        Map<String, Object> states = (Map<String, Object>) JSON.readValue(render(vars),
                new TypeReference<Map<String, Object>>() {}).get("States");
        Map<String, Object> checkObject = (Map<String, Object>) states.get("Check Object");
        Map<String, Object> variables = new LinkedHashMap<>();
        ((Map<String, String>) checkObject.get("Assign"))
                .forEach((name, expression) -> variables.put(name, evaluate(expression, input, Map.of())));
        Object checked = evaluate((String) checkObject.get("Output"), input, Map.of());
        Map<String, Object> route = (Map<String, Object>) states.get("Route Object");
        String next = (String) route.get("Default");
        for (Map<String, Object> rule : (List<Map<String, Object>>) route.get("Choices")) {
            if (Boolean.TRUE.equals(evaluate((String) rule.get("Condition"), checked, variables))) {
                next = (String) rule.get("Next");
                break;
            }
        }
        // The rule decides the next state; the output is the state's Output, whichever rule matched.
        Map<String, Object> output = (Map<String, Object>) evaluate((String) route.get("Output"), checked, variables);
        assertThat(output.containsKey("skipReason")).as("a skip reason exactly when the skip rule routes to Merge Record")
                .isEqualTo("Merge Record".equals(next));
        return output;
    }

    private static Object evaluate(String template, Object input, Map<String, Object> variables) {
        String expression = template.substring(2, template.length() - 2); // strip {% %}
        Jsonata jsonata = Jsonata.jsonata(expression);
        Jsonata.Frame frame = jsonata.createFrame();
        frame.bind("states", Map.of("input", input));
        variables.forEach(frame::bind);
        return jsonata.evaluate(null, frame);
    }

    private static String render(Map<String, String> vars) throws IOException {
        String text = RepoFiles.text("statemachine/video-metadata.asl.json");
        for (Map.Entry<String, String> v : vars.entrySet()) {
            text = text.replace("${" + v.getKey() + "}", v.getValue());
        }
        return text;
    }
}
