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
 * One local runtime per work directory: an OS file lock on {@code <work-dir>/runtime.lock}, taken before any
 * server starts and held until the runtime closes (the OS drops it when the process dies, even by kill -9). The
 * file holds the owner's process id, so the refusal can name it.
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
     * @throws InUseException when another local runtime holds {@code workDir}
     */
    public static WorkDirLock acquire(Path workDir) {
        Path file = workDir.resolve("runtime.lock");
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
                String owner = Files.readString(file, StandardCharsets.UTF_8).strip();
                channel.close();
                throw new InUseException("work dir " + workDir + " is in use by another local runtime"
                        + (owner.isEmpty() ? "" : " (pid " + owner + ")")
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
