package dev.vidmeta.local.s3.nio2blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.gaul.s3proxy.nio2blob.AbstractNio2BlobStore;

/**
 * s3proxy's filesystem store with bucket versioning switched on, and version ids that stay unique across
 * restarts.
 *
 * <p>s3proxy implements versioning for every NIO.2 store (current version at the key's path, older ones
 * under a hidden {@code .s3proxy-versions} directory) but enables it only for its in-memory store: the
 * read-then-rename that archives a key's current version is serialized by a lock inside one store
 * instance, and two processes sharing a directory could interleave there. {@link LocalS3} holds an
 * exclusive file lock on its work directory, so exactly one instance writes it and the in-process lock is
 * enough.
 *
 * <p>Version ids. s3proxy mints each version id, and names each archived version's file, from one counter
 * that starts at 0 in every JVM ({@code v0000000000000001}, ...), which suits its in-memory store only. On disk
 * the next process minted the same ids again and archived new versions under the names of old ones, so older
 * versions vanished and a GET by version id read another version's bytes. S3 keeps every version until it is
 * deleted, under an id that names it alone ("Retaining multiple versions of objects with S3 Versioning", S3 user
 * guide). So the counter is seeded once per JVM above anything minted before: above the current time in
 * microseconds, which a previous process could only have passed by minting more than a thousand versions a
 * millisecond, and above the highest sequence among the archived versions on disk. The ids remain s3proxy's
 * {@code v} and 16 digits, not opaque as AWS's are; nothing in vidmeta reads meaning into them.
 *
 * <p>Why this package name: s3proxy chooses per-backend behaviour (multipart stubs, native conditional
 * writes) from the store's class name, and recognises the filesystem store by {@code .nio2blob.} in it.
 * Living in a {@code nio2blob} package keeps this store on exactly the filesystem store's code paths.
 */
public final class VersioningFilesystemBlobStore extends AbstractNio2BlobStore {

    /** An archived version's file: {@code <32 hex digits of the key's hash>-<16-digit sequence>}. */
    private static final Pattern ARCHIVED = Pattern.compile("[0-9a-f]{32}-(\\d{16})");
    private static final String VERSIONS_DIR = ".s3proxy-versions";
    private static final AtomicLong SEQUENCE = versionSequence();

    public VersioningFilesystemBlobStore(Path root) {
        super(root);
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("not a directory: " + root);
        }
        seedAbove(highestArchivedSequence(root));
    }

    @Override
    public boolean supportsVersioning() {
        return true;
    }

    /** Moves s3proxy's counter past {@code floor} and past the current time in microseconds; never back. */
    private static void seedAbove(long floor) {
        long seed = Math.max(floor, System.currentTimeMillis() * 1000);
        SEQUENCE.accumulateAndGet(seed, Math::max);
    }

    /** The highest sequence in the names of the archived versions of every bucket under {@code root}. */
    private static long highestArchivedSequence(Path root) {
        long highest = 0;
        try (Stream<Path> buckets = Files.list(root)) {
            for (Path bucket : buckets.filter(Files::isDirectory).toList()) {
                Path versions = bucket.resolve(VERSIONS_DIR);
                if (!Files.isDirectory(versions)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(versions)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        Matcher m = ARCHIVED.matcher(file.getFileName().toString());
                        if (m.matches()) {
                            highest = Math.max(highest, Long.parseLong(m.group(1)));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the versions under " + root, e);
        }
        return highest;
    }

    /**
     * s3proxy 4.1.0's private {@code AbstractNio2BlobStore.VERSION_SEQUENCE}. It offers no way to seed it, so it is
     * reached by reflection, pinned to that version: a later s3proxy without the field fails here, at start-up,
     * with this message, rather than minting ids that collide.
     */
    private static AtomicLong versionSequence() {
        try {
            Field field = AbstractNio2BlobStore.class.getDeclaredField("VERSION_SEQUENCE");
            field.setAccessible(true);
            return (AtomicLong) field.get(null);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("s3proxy's AbstractNio2BlobStore.VERSION_SEQUENCE is not as in s3proxy 4.1.0;"
                    + " the local S3 cannot keep version ids unique across restarts", e);
        }
    }
}
