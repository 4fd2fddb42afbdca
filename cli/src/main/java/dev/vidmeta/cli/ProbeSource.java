package dev.vidmeta.cli;

import dev.vidmeta.probe.FileRangedReader;
import dev.vidmeta.probe.RangedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ParameterException;

/**
 * Opens the bytes behind a location given on the command line: a local file, an {@code s3://} URI or
 * an {@code http(s)://} URL.
 *
 * @param reader the object's bytes; the caller closes it
 * @param fileName the name MediaInfo reports the object under (the path as given, or the key's or URL
 *     path's last segment); never a query string, which may hold a signature
 */
record ProbeSource(RangedReader reader, String fileName) {

    /** Where remote locations will be opened once the S3 and HTTP readers are wired in. */
    static ProbeSource open(String location) throws IOException {
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("s3://") || lower.startsWith("http://") || lower.startsWith("https://")) {
            throw new UnsupportedLocationException(
                    "probing " + location.substring(0, location.indexOf(':')) + ":// locations is not available yet;"
                            + " probe a local file");
        }
        Path path = Path.of(location);
        if (Files.isDirectory(path)) {
            throw new UnsupportedLocationException(location + " is a directory, not a file");
        }
        return new ProbeSource(FileRangedReader.open(path), location);
    }

    /** A location this build cannot read: a usage error, not a probe result. */
    static final class UnsupportedLocationException extends IOException {
        UnsupportedLocationException(String message) {
            super(message);
        }
    }
}
