package dev.vidmeta.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's events/ and statemachine/ folders, the single source of sample payloads. */
final class PipelineFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelineFiles() {}

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("statemachine"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the vidmeta repository");
        }
        return dir;
    }

    static String text(String relative) {
        try {
            return Files.readString(root().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode event(String name) {
        try {
            return JSON.readTree(text("events/" + name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
