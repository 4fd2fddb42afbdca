package dev.vidmeta.analysis;

import dev.vidmeta.record.BranchOutcome;
import dev.vidmeta.record.BranchStatus;
import dev.vidmeta.record.ObjectRef;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the configured Rekognition jobs for one object version and registers the waiting task.
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
            List<AnalysisRequest> requests,
            long tokenTtlSeconds,
            Clock clock) {
        this.analyzer = analyzer;
        this.head = head;
        this.tokens = tokens;
        this.completion = completion;
        this.requests = List.copyOf(requests);
        this.tokenTtlSeconds = tokenTtlSeconds;
        this.clock = clock;
    }

    /** What was started, for the log line and tests. */
    public record Started(Map<String, Analysis> jobs, Map<String, String> refused, boolean answered) {}

    /**
     * @throws RekognitionBusyException when Rekognition is at its job limit; jobs already started keep running
     *     and are found again by their ClientRequestToken on the retry
     */
    public Started start(String taskToken, String executionId, ObjectRef object) {
        return start(taskToken, executionId, object, null);
    }

    /**
     * @param notFound null, or why the object cannot be found (its key names it neither decoded nor as sent):
     *     then no job starts, and every analysis is FAILED with that reason
     */
    public Started start(String taskToken, String executionId, ObjectRef object, String notFound) {
        String waiterId = JobTokens.waiterId(executionId);
        Map<String, Analysis> jobs = new LinkedHashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        // An object that cannot be found is not read for its format either.
        String skip = notFound != null ? null
                : object.size() != null && object.size() > MAX_VIDEO_BYTES
                ? "the object is " + object.size() + " bytes; Rekognition Video analyses stored videos of at most 10 GB"
                : unreadableFormat(object);
        for (AnalysisRequest request : requests) {
            if (notFound != null) {
                refused.put(request.analysis().code(), result(BranchStatus.FAILED, notFound));
                continue;
            }
            if (skip != null) {
                refused.put(request.analysis().code(), result(BranchStatus.SKIPPED, skip));
                continue;
            }
            try {
                String jobId = startWithFreshTokenOnMismatch(request, object);
                jobs.put(jobId, request.analysis());
                LOG.info("Rekognition {} job {} started for {}", request.analysis().code(), jobId, object.uri());
            } catch (AnalysisRefusedException e) {
                refused.put(request.analysis().code(), result(e.skip() ? BranchStatus.SKIPPED : BranchStatus.FAILED, e.getMessage()));
            }
        }
        long now = clock.millis();
        tokens.register(waiterId, taskToken, object, jobs, refused, now, now / 1000 + tokenTtlSeconds);
        if (jobs.isEmpty()) {
            completion.answer(waiterId, new TaskTokenStore.Progress(true, true, false, taskToken, refused));
            return new Started(jobs, refused, true);
        }
        boolean answered = false;
        for (Map.Entry<String, Analysis> job : jobs.entrySet()) {
            JobState state = analyzer.status(job.getValue(), job.getKey());
            if (state.finished()) {
                LOG.info("Rekognition job {} already {}; completing without waiting for its notification",
                        job.getKey(), state.status());
                answered |= completion.onJobFinished(job.getKey(), state).answered() > 0;
            }
        }
        return new Started(jobs, refused, answered);
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
