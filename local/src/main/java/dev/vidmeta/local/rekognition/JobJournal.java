package dev.vidmeta.local.rekognition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.vidmeta.local.DocumentFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local Rekognition's jobs on disk, so that they outlive a crash of {@code local up}: {@code running/<JobId>.json}
 * while a job is IN_PROGRESS, {@code done/<JobId>.json} once it has ended (with its results), and
 * {@code tokens/<sha-256 of the ClientRequestToken>.json} naming the job a token started. The documents are
 * {@link Job}'s, kept by {@link VideoJobs}; this class only knows where each one lives.
 *
 * <p>A job moves from running to done by writing done first, then deleting running: a crash between the two
 * leaves both, and {@link #running()} then counts the job as done.
 */
final class JobJournal {

    private final DocumentFiles running;
    private final DocumentFiles done;
    private final DocumentFiles tokens;

    private JobJournal(DocumentFiles running, DocumentFiles done, DocumentFiles tokens) {
        this.running = running;
        this.done = done;
        this.tokens = tokens;
    }

    /** The journal in {@code dir} (the work dir's {@code rekognition}), created if missing. */
    static JobJournal in(Path dir) {
        return new JobJournal(DocumentFiles.in(dir.resolve("running")), DocumentFiles.in(dir.resolve("done")),
                DocumentFiles.in(dir.resolve("tokens")));
    }

    /** A journal that keeps nothing: jobs live as long as the process. */
    static JobJournal none() {
        return new JobJournal(DocumentFiles.none(), DocumentFiles.none(), DocumentFiles.none());
    }

    /**
     * A job was accepted: its token (if any) names it from now on, and it is kept as running. The token first: a
     * crash between the two writes then leaves a token naming a job that is nowhere, which reads as no job (the
     * retried start starts it), never a running job that its token does not name (a retry would start a second).
     */
    void started(String jobId, String clientRequestToken, JsonNode job) {
        if (clientRequestToken != null) {
            tokens.put(tokenFileId(clientRequestToken), JsonNodeFactory.instance.objectNode().put("JobId", jobId));
        }
        running.put(jobId, job);
    }

    /** A job ended: kept as done, with its results, and no longer as running. */
    void finished(String jobId, JsonNode job) {
        done.put(jobId, job);
        running.delete(jobId);
    }

    /** Every job still running, as last written; a job also found done (a crash between the two writes) is not. */
    List<JsonNode> running() {
        List<JsonNode> jobs = new ArrayList<>();
        for (String id : running.ids()) {
            if (done.contains(id)) {
                running.delete(id);
                continue;
            }
            JsonNode job = running.get(id);
            if (job != null) {
                jobs.add(job);
            }
        }
        return jobs;
    }

    /** The ended job {@code jobId}, or null when none ended under that id. */
    JsonNode finishedJob(String jobId) {
        return isJobId(jobId) ? done.get(jobId) : null;
    }

    /** The id of the job {@code clientRequestToken} started, or null when it started none. */
    String jobIdOf(String clientRequestToken) {
        JsonNode entry = tokens.get(tokenFileId(clientRequestToken));
        return entry == null ? null : entry.path("JobId").asText(null);
    }

    /** Job ids here are hex; anything else (a client's typo, a path) names no file. */
    private static boolean isJobId(String jobId) {
        return jobId.matches("[0-9a-f]{1,64}");
    }

    /**
     * A token is 1 to 64 of {@code [a-zA-Z0-9-_]} (StartLabelDetection API reference), and distinct tokens may
     * differ only in case, which some file systems ignore: its hash names the file instead.
     */
    private static String tokenFileId(String clientRequestToken) {
        return DocumentFiles.nameOf(clientRequestToken);
    }
}
