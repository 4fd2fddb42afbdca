package dev.vidmeta.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResultLocationTest {

    private final ResultLocation location = new ResultLocation("results", "vidmeta/");

    @Test
    void keyFor_shouldMirrorTheRawKeyAndVersion() {
        ObjectRef o = new ObjectRef("uploads", "a b/Été + 100%.mp4", "v1", "e1", 1L, "01", null, null, null);

        assertThat(location.keyFor(o, "mediainfo.json")).isEqualTo("vidmeta/uploads/a b/Été + 100%.mp4/v1/mediainfo.json");
    }

    @Test
    void keyFor_shouldUseTheEtag_whenUnversioned() {
        ObjectRef o = new ObjectRef("uploads", "clip.mp4", null, "e1", 1L, "01", null, null, null);

        assertThat(location.keyFor(o, "mediainfo.json")).isEqualTo("vidmeta/uploads/clip.mp4/etag-e1/mediainfo.json");
    }

    @Test
    void keyFor_shouldHashTheKey_whenMirroringWouldExceedS3sKeyLimit() {
        ObjectRef o = new ObjectRef("uploads", "é".repeat(500), "v1", "e1", 1L, "01", null, null, null);

        String key = location.keyFor(o, "mediainfo.json");

        assertThat(key.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
        assertThat(key).startsWith("vidmeta/uploads/_sha256/").endsWith("/v1/mediainfo.json");
    }
}
