package dev.vidmeta.aws;

import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.s3.LocalS3;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A local S3 (s3proxy) for one test class, with the named buckets and an SDK client:
 * {@code @RegisterExtension static final LocalS3Extension S3 = new LocalS3Extension("plain");}.
 * A bucket name ending in {@code +versions} is created with versioning on (without the suffix).
 */
public final class LocalS3Extension implements BeforeAllCallback, AfterAllCallback {

    private final String[] buckets;
    private Path workDir;
    private LocalS3 s3;
    private S3Client client;

    public LocalS3Extension(String... buckets) {
        this.buckets = buckets;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        workDir = Files.createTempDirectory("local-s3-");
        s3 = LocalS3.start(workDir, event -> { });
        for (String bucket : buckets) {
            boolean versioned = bucket.endsWith("+versions");
            s3.createBucket(versioned ? bucket.substring(0, bucket.length() - "+versions".length()) : bucket, versioned);
        }
        client = LocalAws.client(S3Client.builder().forcePathStyle(true), s3.endpoint());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        client.close();
        s3.close();
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    public S3Client client() {
        return client;
    }

    public LocalS3 server() {
        return s3;
    }
}
