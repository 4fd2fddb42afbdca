package dev.vidmeta.local.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.record.ObjectKeys;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.testing.RepoFiles;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The event built here must be the samples in events/, which are the shape S3 documents. */
class ObjectCreatedEventTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Rebuilds a sample from its own values. */
    private static ObjectCreatedEvent fromSample(JsonNode sample) {
        JsonNode d = sample.get("detail");
        JsonNode o = d.get("object");
        return new ObjectCreatedEvent(sample.get("id").asText(), sample.get("account").asText(),
                sample.get("region").asText(), Instant.parse(sample.get("time").asText()),
                d.at("/bucket/name").asText(), ObjectKeys.decode(o.get("key").asText()), o.get("size").asLong(),
                o.get("etag").asText(),
                o.has("version-id") ? o.get("version-id").asText() : null,
                o.has("sequencer") ? o.get("sequencer").asText() : null, d.get("request-id").asText(),
                d.get("requester").asText(), d.get("source-ip-address").asText(), d.get("reason").asText());
    }

    @Test
    void toJson_shouldBeTheSample_forAVersionedUpload() throws Exception {
        JsonNode sample = RepoFiles.event("s3-object-created.json");

        assertThat(JSON.readTree(fromSample(sample).toJson())).isEqualTo(sample);
    }

    @Test
    void toJson_shouldOmitVersionId_forAnUnversionedBucket() throws Exception {
        JsonNode sample = RepoFiles.event("s3-object-created-unversioned.json");

        assertThat(JSON.readTree(fromSample(sample).toJson())).isEqualTo(sample);
    }

    @Test
    void toJson_shouldOmitWhatOnlyS3Knows_whenSynthesized_andUrlEncodeTheKey() throws Exception {
        // GIVEN a backfilled object: S3 alone assigns sequencers, and no request came from any address
        var event = new ObjectCreatedEvent("id", "111122223333", "eu-west-1", Instant.parse("2026-11-21T05:12:45.678Z"),
                "b", "uploads/Été 2026/100% fun + friends.mp4", 10, "etag-2", null, null, "REQ", "111122223333", null,
                "CompleteMultipartUpload");

        JsonNode json = JSON.readTree(event.toJson());

        assertThat(json.at("/detail/object").has("sequencer")).isFalse();
        assertThat(json.get("detail").has("source-ip-address")).isFalse();
        // S3 User Guide, "Event message structure": "The object key name value is URL encoded. For example,
        // 'red flower.jpg' becomes 'red+flower.jpg'" (application/x-www-form-urlencoded); '/' is kept
        assertThat(json.at("/detail/object/key").asText())
                .isEqualTo("uploads/%C3%89t%C3%A9+2026/100%25+fun+%2B+friends.mp4");
        assertThat(json.get("time").asText()).isEqualTo("2026-11-21T05:12:45Z");
    }

    @Test
    void objectOf_shouldReadTheObject_asCheckObjectDoes() {
        // GIVEN the sample upload, as an execution's input
        String input = RepoFiles.text("events/s3-object-created.json");

        // WHEN
        ObjectRef object = ObjectCreatedEvent.objectOf(input);

        // THEN every field Check Object maps, from the sample's own values
        assertThat(object).isEqualTo(new ObjectRef("vidmeta-uploads-111122223333", "uploads/2026/keynote.mp4",
                "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", "b1946ac92492d2347c6235b4d2611184", 31457280L,
                "617f08299329d189", "2026-11-21T05:12:45Z", "17793124-05d4-b198-2fde-7ededc63b103", "PutObject"));
    }

    @Test
    void objectOf_shouldGiveTheKeyAsSent_whoseReadingsIncludeTheRealKey_andHaveNoVersion_forAnUnversionedBucket() {
        var event = new ObjectCreatedEvent("id", "111122223333", "eu-west-1", Instant.parse("2026-11-21T05:12:45Z"),
                "b", "uploads/Été 2026/100% fun + friends.mp4", 10, "etag-2", null, null, "REQ", "111122223333", null,
                "PutObject");

        ObjectRef object = ObjectCreatedEvent.objectOf(event.toJson());

        assertThat(object.key()).isEqualTo("uploads/%C3%89t%C3%A9+2026/100%25+fun+%2B+friends.mp4");
        assertThat(ObjectKeys.candidates(object.key()).getFirst()).isEqualTo("uploads/Été 2026/100% fun + friends.mp4");
        assertThat(object.versionId()).isNull();
        assertThat(object.sequencer()).isNull();
    }

    @Test
    void objectOf_shouldBeNull_whenTheInputIsNotAnObjectCreatedEvent() {
        // Executions can be started by hand with any input; none of these names an object
        for (String input : new String[] {null, "", "not json", "[1]", "{}", "\"text\"",
                "{\"detail\":{\"object\":{\"key\":\"k\"}}}",
                "{\"detail\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"\"}}}",
                "{\"detail\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":7}}}",
                "{\"detail\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\"}}"}) {
            assertThat(ObjectCreatedEvent.objectOf(input)).as(String.valueOf(input)).isNull();
        }
    }
}
