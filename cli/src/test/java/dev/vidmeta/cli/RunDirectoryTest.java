package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    /** Stands in for the local runtime: records whether the directory still existed when it was stopped. */
    private static final class RecordingRuntime implements AutoCloseable {
        final Path dir;
        final List<Boolean> dirExistedAtClose = new CopyOnWriteArrayList<>();

        RecordingRuntime(Path dir) {
            this.dir = dir;
        }

        @Override
        public void close() {
            dirExistedAtClose.add(Files.exists(dir));
        }
    }

    @Test
    void close_shouldDeleteTheTemporaryDirectory_whenTheRunThrows() throws IOException {
        // GIVEN a temporary run directory the run has written into
        RunDirectory dir = RunDirectory.open(null, err);
        Path path = dir.path();
        Files.createDirectories(path.resolve("s3/uploads"));
        Files.writeString(path.resolve("functions.log"), "{}\n");

        // WHEN the run fails
        assertThatThrownBy(() -> {
            try (dir) {
                throw new IllegalStateException("boom");
            }
        }).hasMessage("boom");

        // THEN the directory is gone, the failure is what propagates, and nothing was reported
        assertThat(path).doesNotExist();
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void close_shouldStopTheRuntimeBeforeDeletingTheDirectory() {
        // GIVEN a run whose runtime writes into the temporary directory
        RunDirectory dir = RunDirectory.open(null, err);
        RecordingRuntime runtime = dir.start(() -> new RecordingRuntime(dir.path()));

        // WHEN the run ends
        dir.close();

        // THEN the runtime was stopped once, while the directory still existed, and then the directory went
        assertThat(runtime.dirExistedAtClose).containsExactly(true);
        assertThat(dir.path()).doesNotExist();
        assertThat(dir.deletedAtEnd()).isTrue();
    }

    @Test
    void close_shouldKeepTheTemporaryDirectory_whenKept() throws IOException {
        // GIVEN a temporary run directory kept for its log (a record is not COMPLETE)
        RunDirectory dir = RunDirectory.open(null, err);
        Files.writeString(dir.path().resolve("functions.log"), "{}\n");
        dir.keep();

        // WHEN the run ends
        dir.close();

        // THEN the log is still there
        assertThat(dir.path().resolve("functions.log")).exists();
        assertThat(dir.deletedAtEnd()).isFalse();
        deleteTree(dir.path());
    }

    @Test
    void onShutdown_shouldStopTheRuntimeThenDeleteTheTemporaryDirectory_andCloseThenDoesNothing() {
        // GIVEN a run in progress in a temporary directory
        RunDirectory dir = RunDirectory.open(null, err);
        RecordingRuntime runtime = dir.start(() -> new RecordingRuntime(dir.path()));

        // WHEN the JVM shuts down (Ctrl-C), and the interrupted run's close comes after
        dir.onShutdown();
        dir.close();

        // THEN the runtime was stopped once, before the directory was deleted, and the user was told
        assertThat(runtime.dirExistedAtClose).containsExactly(true);
        assertThat(dir.path()).doesNotExist();
        assertThat(errBytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("vidmeta: stopping the local runtime and deleting " + dir.path() + System.lineSeparator());
    }

    @Test
    void onShutdown_shouldStopTheRuntime_butKeepTheUsersDirectory(@TempDir Path parent) {
        // GIVEN a run in the user's --work-dir
        Path userDir = parent.resolve("work");
        RunDirectory dir = RunDirectory.open(userDir, err);
        RecordingRuntime runtime = dir.start(() -> new RecordingRuntime(userDir));

        // WHEN the JVM shuts down
        dir.onShutdown();
        dir.close();

        // THEN the runtime stopped and the directory is still there
        assertThat(runtime.dirExistedAtClose).containsExactly(true);
        assertThat(userDir).isDirectory();
    }

    @Test
    void onShutdown_shouldWaitForAStartInProgress_andStopWhatItStarted() throws Exception {
        // GIVEN a runtime still starting when Ctrl-C comes
        RunDirectory dir = RunDirectory.open(null, err);
        CountDownLatch starting = new CountDownLatch(1);
        CountDownLatch finishStart = new CountDownLatch(1);
        List<RecordingRuntime> started = new CopyOnWriteArrayList<>();
        Thread main = Thread.ofPlatform().start(() -> started.add(dir.start(() -> {
            starting.countDown();
            await(finishStart);
            return new RecordingRuntime(dir.path());
        })));
        assertThat(starting.await(10, TimeUnit.SECONDS)).isTrue();

        // WHEN the hook runs during the start
        Thread hook = Thread.ofPlatform().start(dir::onShutdown);

        // THEN it waits for the start, rather than delete the directory under the servers starting in it
        hook.join(300);
        assertThat(hook.isAlive()).as("hook waiting for the start").isTrue();
        assertThat(dir.path()).exists();
        // and once the start is over it stops that runtime, then deletes the directory
        finishStart.countDown();
        main.join(10_000);
        hook.join(10_000);
        assertThat(hook.isAlive()).isFalse();
        assertThat(started).singleElement().satisfies(r -> assertThat(r.dirExistedAtClose).containsExactly(true));
        assertThat(dir.path()).doesNotExist();
        dir.close();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
