package dev.vidmeta.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * JSON documents kept one file each in a directory of the work dir, so that what a local service still owes
 * (a running Rekognition job, an SNS delivery, a queued asynchronous invocation) outlives a crash of its
 * process. A document is written whole or not at all: to a temporary file, then renamed over the old one, so a
 * {@code kill -9} leaves either version, never half of one. Written without fsync: it survives the process
 * dying, which is what a local runtime meets, not the machine losing power.
 *
 * <p>Ids become file names: letters, digits, {@code -} and {@code _} only. {@link #none()} keeps nothing, for a
 * service that lives as long as its process.
 */
public final class DocumentFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");
    private static final String SUFFIX = ".json";

    private final Path dir;

    private DocumentFiles(Path dir) {
        this.dir = dir;
    }

    /**
     * A file name for any text (an ARN, a ClientRequestToken): the hex SHA-256 of its UTF-8 bytes, which fits
     * every filesystem's name rules and {@link #put}'s ids.
     */
    public static String nameOf(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** Keeps nothing: puts and deletes do nothing, and there is never a document. */
    public static DocumentFiles none() {
        return new DocumentFiles(null);
    }

    /** The documents in {@code dir}, created if missing. */
    public static DocumentFiles in(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return new DocumentFiles(dir);
    }

    /** Writes (or replaces) the document under {@code id}, atomically. */
    public void put(String id, JsonNode document) {
        if (dir == null) {
            return;
        }
        Path file = file(id);
        // Its own temporary file per write: two writers of one id never share one.
        Path temporary = dir.resolve("." + id + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(temporary, JSON.writeValueAsBytes(document));
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The document under {@code id}, or null when there is none. */
    public JsonNode get(String id) {
        if (dir == null) {
            return null;
        }
        Path file = file(id);
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public boolean contains(String id) {
        return dir != null && Files.exists(file(id));
    }

    /** Deletes the document under {@code id}; nothing when there is none. */
    public void delete(String id) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file(id) + ": " + e.getMessage(), e);
        }
    }

    /** The ids of every document, in no particular order; temporary files a crash left are not documents. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        if (dir == null) {
            return ids;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String id = name.substring(0, name.length() - SUFFIX.length());
                if (ID.matcher(id).matches()) {
                    ids.add(id);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return ids;
    }

    private Path file(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a document id: " + id);
        }
        return dir.resolve(id + SUFFIX);
    }
}
