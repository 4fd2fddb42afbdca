package dev.vidmeta.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the repository's shared files (events/, statemachine/) from any module's working directory. */
public final class RepoFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RepoFiles() {}

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("events")) && Files.isDirectory(dir.resolve("statemachine"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("not inside the vidmeta repository: " + Path.of("").toAbsolutePath());
    }

    public static String text(String relative) {
        try {
            return Files.readString(root().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode event(String name) {
        return json("events/" + name);
    }

    public static JsonNode json(String relative) {
        try {
            return JSON.readTree(text(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
