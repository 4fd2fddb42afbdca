package dev.vidmeta.local.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.local.LocalAws;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * The local S3 keeps what S3 keeps across restarts: "Retaining multiple versions of objects with S3 Versioning"
 * (S3 user guide): every version of a key stays, under its own id, until it is deleted. Each run is a JVM of its
 * own, as each {@code vidmeta local up} is: the bug this guards against lived in a per-JVM counter, which a
 * restart inside one JVM would not reset.
 */
class LocalS3RestartIT {

    private static final String BUCKET = "vidmeta-uploads";
    private static final String KEY = "in/clip.mp4";

    @TempDir
    Path workDir;

    @Test
    void everyVersion_shouldStayReadable_withItsOwnContent_acrossFourRestarts_perTheS3VersioningUserGuide()
            throws Exception {
        // GIVEN four runs of the local S3 on one work directory, each a new JVM that PUTs the same key once
        List<String> ids = new ArrayList<>();
        for (int run = 1; run <= 4; run++) {
            ids.add(putInAFreshJvm(contentOf(run)));
        }

        // WHEN the local S3 starts a fifth time
        try (LocalS3 s3 = LocalS3.start(workDir, event -> { });
                S3Client client = LocalAws.client(S3Client.builder().forcePathStyle(true), s3.endpoint())) {
            List<ObjectVersion> versions = client.listObjectVersions(b -> b.bucket(BUCKET).prefix(KEY)).versions();

            // THEN the four versions are there, under four ids, each reading back the bytes it was written with
            assertThat(ids).doesNotHaveDuplicates();
            assertThat(versions).extracting(ObjectVersion::versionId).containsExactlyInAnyOrderElementsOf(ids);
            for (int run = 1; run <= 4; run++) {
                String id = ids.get(run - 1);
                assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY).versionId(id)).asUtf8String())
                        .as("version %s, written by run %d", id, run).isEqualTo(contentOf(run));
            }
            assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)).asUtf8String()).isEqualTo(contentOf(4));
        }
    }

    /** Sizes differ too, as the clips in the report did (37 KB, 69 KB, ...). */
    private static String contentOf(int run) {
        return ("run " + run + " ").repeat(1_000 * run);
    }

    private String putInAFreshJvm(String content) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PutOnce.class.getName(), workDir.toString(), content)
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes()).strip();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        return out.lines().reduce((first, last) -> last).orElseThrow();
    }

    /** One run: start the local S3 on the work dir, PUT the key, print its version id, stop. */
    public static final class PutOnce {
        public static void main(String[] args) {
            try (LocalS3 s3 = LocalS3.start(Path.of(args[0]), event -> { });
                    S3Client client = LocalAws.client(S3Client.builder().forcePathStyle(true), s3.endpoint())) {
                s3.createBucket(BUCKET, true);
                System.out.println(client.putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromString(args[1]))
                        .versionId());
            }
        }
    }
}
