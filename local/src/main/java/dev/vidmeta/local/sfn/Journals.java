package dev.vidmeta.local.sfn;

import dev.vidmeta.local.DocumentFiles;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Where executions are journaled: one append-only file of JSON lines per execution,
 * {@code <dir>/executions/<sha-256 of the execution ARN>.jsonl} (a hash, because execution names may hold
 * characters and lengths a file name cannot). The first line describes the execution (ARN, state machine, its
 * definition, input, start date); every further line is a history event as it is appended, or a checkpoint the
 * engine needs to resume: see {@link JournalReplay} for what each line means.
 *
 * <p>Each line is one {@code write} to a file opened for appending. Once {@code write} returns, the bytes are
 * the operating system's, so a {@code kill -9} of the JVM loses nothing; only a power loss or a kernel crash
 * could lose the last lines, and guarding against that would take an {@code fsync} per event, which this
 * local twin does not do. A torn last line (the process died inside {@code write}) is skipped on replay.
 */
final class Journals {

    /** Receives the lines of one execution's journal. */
    @FunctionalInterface
    interface Journal {

        Journal NONE = line -> { };

        void write(Map<String, Object> line);
    }

    private final Path dir;
    private final AtomicBoolean open = new AtomicBoolean(true);
    /** Files a write failed on: nothing more goes to them (see {@link #append}). */
    private final Set<Path> failed = ConcurrentHashMap.newKeySet();

    private Journals(Path dir) {
        this.dir = dir;
    }

    /** Journals under {@code dir}, created if missing; null for none (executions live in memory only). */
    static Journals at(Path dir) {
        if (dir == null) {
            return null;
        }
        try {
            Files.createDirectories(dir.resolve("executions"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the Step Functions journal directory " + dir, e);
        }
        return new Journals(dir);
    }

    /** Creates the journal of a new execution and writes its first line, {@code header}. */
    Journal create(String executionArn, Map<String, Object> header) {
        Path file = fileOf(executionArn);
        Journal journal = line -> append(file, line);
        journal.write(header);
        return journal;
    }

    /**
     * Appends to the journal of an execution read back by {@link JournalReplay}, first cutting off a last line
     * that a crash left half-written, so that the next line starts on a line of its own.
     */
    Journal reopen(String executionArn) {
        Path file = fileOf(executionArn);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long end = raf.length();
            long whole = end;
            while (whole > 0) {
                raf.seek(whole - 1);
                if (raf.read() == '\n') {
                    break;
                }
                whole--;
            }
            if (whole < end) {
                raf.setLength(whole);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not reopen the Step Functions journal " + file, e);
        }
        return line -> append(file, line);
    }

    Path fileOf(String executionArn) {
        return dir.resolve("executions").resolve(DocumentFiles.nameOf(executionArn) + ".jsonl");
    }

    /** Every journal file, in no particular order. */
    List<Path> files() {
        try (Stream<Path> files = Files.list(dir.resolve("executions"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the Step Functions journal " + dir, e);
        }
    }

    /**
     * Ends all writing: an engine that is closed writes nothing more, as if it had been killed, so that another
     * engine may take over the directory (tests restart the engine in one JVM).
     */
    void close() {
        open.set(false);
    }

    /**
     * One line, one write. A failure to write (a full disk) is reported on stderr and the execution goes on in
     * memory: stopping it would lose more than the durability of its later events. Nothing more is written to that
     * file: a part-written line followed by whole ones would lose those too on replay (only a torn last line is
     * cut off), while a journal that simply ends resumes from its last whole line, at least once.
     */
    private void append(Path file, Map<String, Object> line) {
        if (!open.get() || failed.contains(file)) {
            return;
        }
        byte[] bytes = (Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8);
        // FileOutputStream, not a FileChannel: an interrupted engine thread must not close the file under others.
        try (OutputStream out = new FileOutputStream(file.toFile(), true)) {
            out.write(bytes);
        } catch (IOException e) {
            failed.add(file);
            System.err.println("vidmeta local Step Functions: could not journal to " + file + ": " + e
                    + "; its later events are not journaled, and a restart resumes it from before this one");
        }
    }
}
