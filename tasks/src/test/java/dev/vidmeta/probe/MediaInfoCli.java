package dev.vidmeta.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** The reference: the {@code mediainfo} command line, and the comparison the issue defines. */
final class MediaInfoCli {

    /** Fields that describe the file system, not the media: the only ones allowed to differ. */
    static final Set<String> FILE_SYSTEM_FIELDS = Set.of(
            "@ref", "CompleteName", "FolderName", "FileName", "FileNameExtension", "FileExtension",
            "File_Modified_Date", "File_Modified_Date_Local", "File_Created_Date", "File_Created_Date_Local");

    private static final ObjectMapper JSON = new ObjectMapper();

    private MediaInfoCli() {
    }

    /** {@code mediainfo --Output=JSON <file>}, parsed. */
    static JsonNode report(Path file) throws IOException, InterruptedException {
        Path out = Files.createTempFile("mediainfo-", ".json");
        try {
            Process process = new ProcessBuilder("mediainfo", "--Output=JSON", file.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("mediainfo did not finish in 60 s on " + file);
            }
            return JSON.readTree(Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A copy without the file-system fields, at any depth. */
    static JsonNode withoutFileSystemFields(JsonNode report) {
        JsonNode copy = report.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(FILE_SYSTEM_FIELDS);
        }
        for (JsonNode child : node) {
            strip(child);
        }
    }

    /** Paths where two reports differ, as "path: expected != actual", for readable failures. */
    static List<String> differences(JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        diff("", expected, actual, out);
        return out;
    }

    private static void diff(String path, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected == null || actual == null || expected.getNodeType() != actual.getNodeType()
                || expected.isValueNode()) {
            if (expected == null || !expected.equals(actual)) {
                out.add(path + ": " + expected + " != " + actual);
            }
            return;
        }
        if (expected.isArray()) {
            for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
                diff(path + "[" + i + "]", expected.get(i), actual.get(i), out);
            }
            return;
        }
        Set<String> names = new TreeSet<>();
        expected.fieldNames().forEachRemaining(names::add);
        actual.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            diff(path + "." + name, expected.get(name), actual.get(name), out);
        }
    }
}
