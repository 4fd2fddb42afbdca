package dev.vidmeta.cli;

import dev.vidmeta.aws.S3RangedReader;
import dev.vidmeta.probe.FileRangedReader;
import dev.vidmeta.probe.HttpRangedReader;
import dev.vidmeta.probe.PrefetchingReader;
import dev.vidmeta.probe.RangedReader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens the bytes behind a location given on the command line: a local file, an {@code s3://} URI or
 * an {@code http(s)://} URL.
 *
 * <p>Remote objects are read through {@link PrefetchingReader}, which turns MediaInfo's seeks into
 * a few bounded ranged requests. S3 uses the SDK's defaults: the default credential and region
 * chains ({@code AWS_DEFAULT_REGION} too, after {@code AWS_REGION}: {@link CliRegion}), and
 * {@code AWS_ENDPOINT_URL_S3} (or {@code AWS_ENDPOINT_URL}) for another endpoint.
 *
 * @param reader the object's bytes; the caller closes it
 * @param fileName the name MediaInfo reports the object under (the path as given, or the key's or URL
 *     path's last segment); never a query string, which may hold a signature
 */
record ProbeSource(RangedReader reader, String fileName) {

    private static final String VERSION_ID = "?versionId=";

    static ProbeSource open(String location) throws IOException {
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("s3://")) {
            return openS3(location);
        }
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return openHttp(location);
        }
        Path path = Path.of(location);
        if (Files.isDirectory(path)) {
            throw new UnsupportedLocationException(location + " is a directory, not a file");
        }
        return new ProbeSource(FileRangedReader.open(path), location);
    }

    /** {@code s3://bucket/key} or {@code s3://bucket/key?versionId=...}; the key is taken as written. */
    private static ProbeSource openS3(String location) throws UnsupportedLocationException {
        String rest = location.substring("s3://".length());
        String versionId = null;
        int version = rest.lastIndexOf(VERSION_ID);
        if (version >= 0) {
            versionId = rest.substring(version + VERSION_ID.length());
            rest = rest.substring(0, version);
        }
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1 || (versionId != null && versionId.isEmpty())) {
            throw new UnsupportedLocationException("expected s3://bucket/key[?versionId=...], got " + location);
        }
        String bucket = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        S3Client s3 = CliRegion.apply(S3RangedReader.clientBuilder(), System.getenv()).build();
        S3RangedReader reader = versionId == null
                ? S3RangedReader.create(s3, bucket, key)
                : S3RangedReader.forVersion(s3, bucket, key, versionId);
        return new ProbeSource(PrefetchingReader.wrap(reader.closingClient()), lastSegment(key));
    }

    private static ProbeSource openHttp(String location) throws UnsupportedLocationException {
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            // The message would quote the URL, signature and all: say where, not what.
            throw new UnsupportedLocationException("not a valid URL (error at character " + e.getIndex() + ")");
        }
        if (uri.getHost() == null) {
            throw new UnsupportedLocationException("not a valid URL: no host");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        return new ProbeSource(PrefetchingReader.wrap(HttpRangedReader.open(uri)), lastSegment(path));
    }

    private static String lastSegment(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.isEmpty() ? null : name;
    }

    /** A location this build cannot read: a usage error, not a probe result. */
    static final class UnsupportedLocationException extends IOException {
        UnsupportedLocationException(String message) {
            super(message);
        }
    }
}
