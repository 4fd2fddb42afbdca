package dev.vidmeta.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One user of a work directory at a time: an OS file lock on a file in it, held until closed (the OS drops it when
 * the process dies, even by kill -9). The local runtime takes {@code runtime.lock} before any server starts; the
 * local S3, which may also run on its own, takes {@code s3.lock}. The file holds the owner's process id, so the
 * refusal can name it.
 */
public final class WorkDirLock implements AutoCloseable {

    /** Another local runtime (this process or another) holds the work directory. */
    public static final class InUseException extends IllegalStateException {
        InUseException(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private WorkDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * The local runtime's lock.
     *
     * @throws InUseException when another local runtime holds {@code workDir}
     */
    public static WorkDirLock acquire(Path workDir) {
        return acquire(workDir, "runtime.lock", "local runtime");
    }

    /**
     * @param name the lock file's name in {@code workDir}
     * @param owner what holds it, for the refusal: "work dir ... is in use by another {@code owner}"
     * @throws InUseException when another {@code owner} (in this process or another) holds {@code workDir}
     */
    public static WorkDirLock acquire(Path workDir, String name, String owner) {
        Path file = workDir.resolve(name);
        FileChannel channel = null;
        try {
            Files.createDirectories(workDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException inThisProcess) {
                lock = null;
            }
            if (lock == null) {
                String pid = Files.readString(file, StandardCharsets.UTF_8).strip();
                channel.close();
                throw new InUseException("work dir " + workDir + " is in use by another " + owner
                        + (pid.isEmpty() ? "" : " (pid " + pid + ")")
                        + ": stop it, or give this one another --work-dir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
            return new WorkDirLock(channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("cannot lock the work dir " + workDir, e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
