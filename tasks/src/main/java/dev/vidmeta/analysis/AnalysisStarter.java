package dev.vidmeta.analysis;

import dev.vidmeta.record.BranchOutcome;
import dev.vidmeta.record.BranchStatus;
import dev.vidmeta.record.ObjectRef;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the configured Rekognition jobs for one object version and registers the waiting task, once the
 * execution holds a slot per job ({@link AnalysisAdmission}); without free slots it joins the waiting list.
 *
 * <p>Order matters for redrives: the token is stored first, then each job's status is checked, so a job that
 * finished before this (new) token was stored is completed here instead of waiting for a notification that
 * was already delivered to the old token.
 */
public final class AnalysisStarter {

    /** Rekognition Video's stored-video size limit (10 GB); larger objects are not even submitted. */
    public static final long MAX_VIDEO_BYTES = 10L * 1024 * 1024 * 1024;

    /**
     * Fresh tokens tried after IdempotentParameterMismatchException before the analysis is recorded FAILED: one
     * per redeploy that changed a start's parameters since this object version was first analysed.
     */
    static final int MAX_TOKEN_GENERATIONS = 8;

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisStarter.class);

    private final VideoAnalyzer analyzer;
    private final ObjectStart head;
    private final TaskTokenStore tokens;
    private final JobCompletion completion;
    private final AnalysisAdmission admission;
    private final List<AnalysisRequest> requests;
    private final long tokenTtlSeconds;
    private final Clock clock;

    /**
     * @param head reads the object's first bytes, so that a format Rekognition Video cannot read starts no job
     *     ({@link StoredVideoFormat})
     */
    public AnalysisStarter(
            VideoAnalyzer analyzer,
            ObjectStart head,
            TaskTokenStore tokens,
            JobCompletion completion,
            AnalysisAdmission admission,
            List<AnalysisRequest> requests,
            long tokenTtlSeconds,
            Clock clock) {
        this.analyzer = analyzer;
        this.head = head;
        this.tokens = tokens;
        this.completion = completion;
        this.admission = admission;
        this.requests = List.copyOf(requests);
        this.tokenTtlSeconds = tokenTtlSeconds;
        this.clock = clock;
    }

    /**
     * What was started, for the log line and tests.
     *
     * @param queued true when no slot was free: the execution waits in the list, its jobs start when it is woken
     */
    public record Started(Map<String, Analysis> jobs, Map<String, String> refused, boolean answered, boolean queued) {}

    /**
     * @throws RekognitionBusyException when Rekognition refuses a start although its slot is held (other workloads
     *     share the account's quota); jobs already started keep running and are found again by their
     *     ClientRequestToken on the retry
     */
    public Started start(String taskToken, String executionId, ObjectRef object) {
        return start(taskToken, executionId, object, null);
    }

    /**
     * Starts the jobs when their slots are free; else lists the execution as waiting and returns, leaving its task
     * waiting on its token.
     *
     * @param notFound null, or why the object cannot be found (its key names it neither decoded nor as sent):
     *     then no job starts, and every analysis is FAILED with that reason
     */
    public Started start(String taskToken, String executionId, ObjectRef object, String notFound) {
        String waiterId = JobTokens.waiterId(executionId);
        // An object that cannot be found is not read for its format either.
        String skip = notFound != null ? null
                : object.size() != null && object.size() > MAX_VIDEO_BYTES
                ? "the object is " + object.size() + " bytes; Rekognition Video analyses stored videos of at most 10 GB"
                : unreadableFormat(object);
        if (notFound != null || skip != null) {
            Map<String, String> refused = new LinkedHashMap<>();
            for (AnalysisRequest request : requests) {
                refused.put(request.analysis().code(), notFound != null ? result(BranchStatus.FAILED, notFound)
                        : result(BranchStatus.SKIPPED, skip));
            }
            long now = clock.millis();
            tokens.register(waiterId, taskToken, object, Map.of(), refused, now, now / 1000 + tokenTtlSeconds);
            completion.answer(waiterId, new TaskTokenStore.Progress(true, true, false, taskToken, refused));
            return new Started(Map.of(), refused, true, false);
        }
        if (!admission.acquire(waiterId, object)) {
            admission.enqueue(waiterId, taskToken, executionId, object);
            // A slot freed between the failed acquire and the enqueue was released by a drain that did not see this
            // waiter yet: look again now that it is listed, or it would wait for the next release.
            AnalysisAdmission.Drained drained = drain();
            LOG.info("no free Rekognition slot for {}: waiting in the list (this start's drain woke {})", object.uri(),
                    drained.woken());
            return new Started(Map.of(), Map.of(), false, true);
        }
        return startHolding(taskToken, executionId, object);
    }

    /** The completion the callback uses for a notification, the same this starter uses for finished jobs. */
    public JobCompletion completion() {
        return completion;
    }

    /** Wakes waiters while slots are free (after a release, after an enqueue, on the scheduled sweep). */
    public AnalysisAdmission.Drained drain() {
        return admission.drain(this::startHolding, completion);
    }

    /**
     * A job ended (its notification arrived): frees its slot and wakes the oldest waiter. Always drains, even when
     * the slot was released already (a redelivered notification): a drain that crashed midway is finished here, and
     * a drain with no free slot wakes no one.
     */
    public AnalysisAdmission.Drained jobEnded(String jobId) {
        if (!admission.releaseJob(jobId)) {
            LOG.info("Rekognition job {} held no slot (released already, or its lease expired)", jobId);
        }
        return drain();
    }

    /**
     * Starts the jobs of an execution that holds its slots (leases), registers its token and completes jobs that
     * had already finished (a redrive or a duplicated event of an object version whose jobs ran before).
     */
    private Started startHolding(String taskToken, String executionId, ObjectRef object) {
        String waiterId = JobTokens.waiterId(executionId);
        Map<String, Analysis> jobs = new LinkedHashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        List<Analysis> unstarted = new ArrayList<>(requests.stream().map(AnalysisRequest::analysis).toList());
        try {
            for (AnalysisRequest request : requests) {
                try {
                    String jobId = startWithFreshTokenOnMismatch(request, object);
                    jobs.put(jobId, request.analysis());
                    admission.recordJob(object, request.analysis(), jobId);
                    LOG.info("Rekognition {} job {} started for {}", request.analysis().code(), jobId, object.uri());
                } catch (AnalysisRefusedException e) {
                    refused.put(request.analysis().code(),
                            result(e.skip() ? BranchStatus.SKIPPED : BranchStatus.FAILED, e.getMessage()));
                    admission.release(object, request.analysis());
                }
                unstarted.remove(request.analysis());
            }
        } catch (RuntimeException e) {
            // Busy or a dependency failure: the slots of jobs that did not start go back; started ones keep theirs
            // and are found again by their ClientRequestToken on the retry.
            unstarted.forEach(a -> admission.release(object, a));
            throw e;
        }
        long now = clock.millis();
        tokens.register(waiterId, taskToken, object, jobs, refused, now, now / 1000 + tokenTtlSeconds);
        if (jobs.isEmpty()) {
            completion.answer(waiterId, new TaskTokenStore.Progress(true, true, false, taskToken, refused));
            return new Started(jobs, refused, true, false);
        }
        boolean answered = false;
        for (Map.Entry<String, Analysis> job : jobs.entrySet()) {
            JobState state = analyzer.status(job.getValue(), job.getKey());
            if (state.finished()) {
                LOG.info("Rekognition job {} already {}; completing without waiting for its notification",
                        job.getKey(), state.status());
                // No notification will come for this start: its slot is released here.
                admission.release(object, job.getValue());
                answered |= completion.onJobFinished(job.getKey(), state).answered() > 0;
            }
        }
        return new Started(jobs, refused, answered, false);
    }

    /**
     * Why Rekognition Video cannot read the object, from its first bytes; null when it may (or when the bytes
     * could not be read: then Rekognition itself decides, and its refusal or job failure is recorded).
     */
    private String unreadableFormat(ObjectRef object) {
        try {
            StoredVideoFormat.Verdict verdict = StoredVideoFormat.check(head.read(object, StoredVideoFormat.HEAD_BYTES));
            LOG.info("{}: {} ({})", object.uri(), verdict.skip() ? "no Rekognition job" : "Rekognition jobs",
                    verdict.reason());
            return verdict.skip() ? verdict.reason() : null;
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not read the start of {} to check its format ({}); starting the jobs anyway",
                    object.uri(), e.getMessage());
            return null;
        }
    }

    /**
     * Starts the job under the first token of the series that Rekognition has not seen with other parameters
     * (see {@link JobTokens}); the same series on every retry, so a retry finds the job it started.
     */
    private String startWithFreshTokenOnMismatch(AnalysisRequest request, ObjectRef object)
            throws AnalysisRefusedException {
        TokenReusedException last = null;
        for (int generation = 0; generation < MAX_TOKEN_GENERATIONS; generation++) {
            try {
                return analyzer.start(request, object, JobTokens.clientRequestToken(object, request, generation),
                        JobTokens.jobTag(object, request, generation));
            } catch (TokenReusedException e) {
                LOG.info("Rekognition {} token generation {} for {} was used with other parameters; trying the next",
                        request.analysis().code(), generation, object.uri());
                last = e;
            }
        }
        throw new AnalysisRefusedException("Rekognition refused " + MAX_TOKEN_GENERATIONS + " client request tokens"
                + " as reused with other parameters; last: " + last.getMessage(), false, last);
    }

    private static String result(BranchStatus status, String reason) {
        return BranchOutcome.of(status, reason).toJson().toString();
    }
}
