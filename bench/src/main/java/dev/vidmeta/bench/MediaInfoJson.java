package dev.vidmeta.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** Runs the {@code mediainfo} CLI and compares reports as the issue defines "equal". */
final class MediaInfoJson {

    /** Fields that describe the file system (or the URL), not the media: the only ones allowed to differ. */
    static final Set<String> FILE_SYSTEM_FIELDS = Set.of(
            "@ref", "CompleteName", "FolderName", "FileName", "FileNameExtension", "FileExtension",
            "File_Modified_Date", "File_Modified_Date_Local", "File_Created_Date", "File_Created_Date_Local");

    private static final ObjectMapper JSON = new ObjectMapper();

    private MediaInfoJson() {}

    /** {@code mediainfo --Output=JSON <target>}: a local path or a URL (never printed: it may be presigned). */
    static JsonNode cli(String target) throws IOException {
        Process process = new ProcessBuilder("mediainfo", "--Output=JSON", target)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("mediainfo failed (exit " + process.exitValue() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return JSON.readTree(out);
    }

    /** {@code path = value} lines where two reports differ once the file-system fields are gone; empty when equal. */
    static List<String> differences(JsonNode expected, JsonNode actual) {
        Map<String, String> want = flatten(expected);
        Map<String, String> got = flatten(actual);
        Set<String> paths = new TreeSet<>(want.keySet());
        paths.addAll(got.keySet());
        List<String> out = new ArrayList<>();
        for (String path : paths) {
            if (!Objects.equals(want.get(path), got.get(path))) {
                out.add(path + ": " + want.get(path) + " != " + got.get(path));
            }
        }
        return out;
    }

    /** Every leaf as path -> JSON text, skipping the file-system fields wherever they are. */
    private static Map<String, String> flatten(JsonNode report) {
        Map<String, String> leaves = new TreeMap<>();
        if (report != null) {
            flatten("", report, leaves);
        }
        return leaves;
    }

    private static void flatten(String path, JsonNode node, Map<String, String> leaves) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (!FILE_SYSTEM_FIELDS.contains(field.getKey())) {
                    flatten(path + "." + field.getKey(), field.getValue(), leaves);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(path + "[" + i + "]", node.get(i), leaves);
            }
        } else {
            leaves.put(path, node.toString());
        }
    }
}
