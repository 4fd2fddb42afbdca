package dev.vidmeta.analysis;

import dev.vidmeta.record.ObjectRef;
import java.util.List;
import java.util.Map;

/**
 * Remembers which execution waits for which Rekognition jobs, under which task token.
 *
 * <p>A task token can be 2,048 characters, so it lives here, keyed by JobId, never in the JobTag. One waiter
 * (one execution) may wait for several jobs; several waiters (duplicated events) may wait for the same job.
 */
public interface TaskTokenStore {

    /** A job finished for one waiter; the analysis result is the JSON the record will carry. */
    record JobWaiter(String waiterId, Analysis analysis, ObjectRef object, long registeredAtMillis) {}

    /**
     * The waiter's state after recording a job's result.
     *
     * @param applied false when this job's result was already recorded (a redelivered notification)
     * @param results analysis code to result JSON, for every analysis recorded so far
     */
    record Progress(boolean applied, boolean allDone, boolean sent, String taskToken, Map<String, String> results) {}

    /**
     * Registers (or, on a retry or redrive of the same execution, replaces) a waiter: its token, the jobs it
     * waits for, and the results it already has (analyses Rekognition refused up front).
     */
    void register(
            String waiterId,
            String taskToken,
            ObjectRef object,
            Map<String, Analysis> jobs,
            Map<String, String> knownResults,
            long registeredAtMillis,
            long expiresAtEpochSeconds);

    List<JobWaiter> waitersOf(String jobId);

    /**
     * Records a job's result for a waiter, once: a conditional update that only the first delivery wins.
     *
     * @return the waiter's progress, or null when the waiter is gone (expired or never registered)
     */
    Progress recordResult(String waiterId, String jobId, Analysis analysis, String resultJson);

    /** Marks the waiter's task as answered so redeliveries stop there. */
    void markSent(String waiterId);
}
