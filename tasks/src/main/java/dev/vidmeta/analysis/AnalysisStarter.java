package dev.vidmeta.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.record.ObjectRef;
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

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisStarter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VideoAnalyzer analyzer;
    private final TaskTokenStore tokens;
    private final JobCompletion completion;
    private final List<AnalysisRequest> requests;
    private final long tokenTtlSeconds;
    private final Clock clock;

    public AnalysisStarter(
            VideoAnalyzer analyzer,
            TaskTokenStore tokens,
            JobCompletion completion,
            List<AnalysisRequest> requests,
            long tokenTtlSeconds,
            Clock clock) {
        this.analyzer = analyzer;
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
        for (AnalysisRequest request : requests) {
            if (notFound != null) {
                refused.put(request.analysis().code(), result("FAILED", notFound));
                continue;
            }
            if (object.size() != null && object.size() > MAX_VIDEO_BYTES) {
                refused.put(request.analysis().code(), result("SKIPPED", "the object is " + object.size()
                        + " bytes; Rekognition Video analyses stored videos of at most 10 GB"));
                continue;
            }
            try {
                String jobId = analyzer.start(request, object, JobTokens.clientRequestToken(object, request),
                        JobTokens.jobTag(object, request));
                jobs.put(jobId, request.analysis());
                LOG.info("Rekognition {} job {} started for {}", request.analysis().code(), jobId, object.uri());
            } catch (AnalysisRefusedException e) {
                refused.put(request.analysis().code(), result(e.skip() ? "SKIPPED" : "FAILED", e.getMessage()));
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

    private static String result(String status, String reason) {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", status);
        n.put("reason", reason);
        return n.toString();
    }
}
