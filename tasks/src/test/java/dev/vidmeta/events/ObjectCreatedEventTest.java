package dev.vidmeta.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
                d.at("/bucket/name").asText(), o.get("key").asText(), o.get("size").asLong(), o.get("etag").asText(),
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
    void toJson_shouldOmitWhatOnlyS3Knows_whenSynthesized_andKeepTheKeyRaw() throws Exception {
        // GIVEN a backfilled object: S3 alone assigns sequencers, and no request came from any address
        var event = new ObjectCreatedEvent("id", "111122223333", "eu-west-1", Instant.parse("2026-11-21T05:12:45.678Z"),
                "b", "uploads/Été 2026/100% fun + friends.mp4", 10, "etag-2", null, null, "REQ", "111122223333", null,
                "CompleteMultipartUpload");

        JsonNode json = JSON.readTree(event.toJson());

        assertThat(json.at("/detail/object").has("sequencer")).isFalse();
        assertThat(json.get("detail").has("source-ip-address")).isFalse();
        assertThat(json.at("/detail/object/key").asText()).isEqualTo("uploads/Été 2026/100% fun + friends.mp4");
        assertThat(json.get("time").asText()).isEqualTo("2026-11-21T05:12:45Z");
    }
}
