package dev.vidmeta.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The work directory of one {@code vidmeta demo} or {@code vidmeta local run}, and the local runtime that
 * writes into it. Either the user's {@code --work-dir}, always kept, or a temporary directory, deleted when the
 * run ends unless {@link #keep()} was called: on a normal end, on an exception, and on Ctrl-C, when a shutdown
 * hook does it, as the JVM exits without finishing the run's own {@code finally} blocks.
 *
 * <p>In both the hook and {@link #close()} the runtime stops first, so that no server is still writing into
 * the directory while it is deleted. The hook also stops the runtime when the directory is the user's: its
 * DynamoDB tables then close cleanly.
 */
final class RunDirectory implements AutoCloseable {

    private final Path path;
    private final boolean temporary;
    private final PrintStream err;
    private final Thread hook = new Thread(this::onShutdown, "vidmeta-run-shutdown");
    // All guarded by this. A start in progress holds the lock, so the hook waits for it and stops what it started.
    private AutoCloseable runtime;
    private boolean kept;
    private boolean closed;

    private RunDirectory(Path path, boolean temporary, PrintStream err) {
        this.path = path;
        this.temporary = temporary;
        this.err = err;
    }

    /**
     * Creates {@code userDir}, or a temporary directory when it is null, and registers the shutdown hook.
     *
     * @param err where the hook and a failed deletion say what they do
     */
    static RunDirectory open(Path userDir, PrintStream err) {
        Path dir = userDir;
        try {
            dir = userDir == null ? Files.createTempDirectory("vidmeta-run-") : Files.createDirectories(userDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work directory " + dir + ": " + e.getMessage(), e);
        }
        RunDirectory directory = new RunDirectory(dir, userDir == null, err);
        Runtime.getRuntime().addShutdownHook(directory.hook);
        return directory;
    }

    Path path() {
        return path;
    }

    /** True when the directory is deleted at the end (it is temporary and not kept). */
    synchronized boolean deletedAtEnd() {
        return temporary && !kept;
    }

    /** Keeps a temporary directory after a normal end, e.g. for its functions' log; Ctrl-C still deletes it. */
    synchronized void keep() {
        kept = true;
    }

    /** Starts the runtime that writes into this directory; it is stopped before the directory is deleted. */
    synchronized <R extends AutoCloseable> R start(Supplier<R> starter) {
        if (closed) {
            throw new IllegalStateException("the run is over: not starting the local runtime");
        }
        R started = starter.get();
        runtime = started;
        return started;
    }

    /** Stops the runtime if still running and deletes a temporary directory unless kept. Once; then a no-op. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to; cleanUp waits for it, or does the work first and the hook then
            // finds nothing left to do.
        }
        cleanUp(!kept());
    }

    /** What the shutdown hook runs; package-private so that a test can run it without ending the JVM. */
    void onShutdown() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        err.println("vidmeta: stopping the local runtime" + (temporary ? " and deleting " + path : ""));
        err.flush();
        cleanUp(temporary);
    }

    private synchronized boolean kept() {
        return kept;
    }

    private synchronized void cleanUp(boolean delete) {
        if (closed) {
            return;
        }
        closed = true;
        if (runtime != null) {
            try {
                runtime.close();
            } catch (Exception e) {
                err.println("vidmeta: stopping the local runtime: " + e);
            }
        }
        if (temporary && delete) {
            deleteTree(path);
        }
    }

    private void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            err.println("vidmeta: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
