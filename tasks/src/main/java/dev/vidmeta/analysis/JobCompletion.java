package dev.vidmeta.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.record.BranchOutcome;
import dev.vidmeta.record.BranchStatus;
import dev.vidmeta.record.JsonSize;
import dev.vidmeta.record.ResultLocation;
import dev.vidmeta.record.ResultStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles a finished Rekognition job: keeps its full results in S3, records a bounded summary for every
 * execution waiting on it, and answers an execution's task once all of its jobs are done.
 *
 * <p>Idempotent: a redelivered notification finds its result already recorded and only re-sends an answer
 * that was never delivered. A task that no longer waits is logged and acknowledged, never retried.
 */
public final class JobCompletion {

    /**
     * Summaries of all analyses together stay under this ({@link dev.vidmeta.record.JsonSize#worstCase}), leaving
     * room in the 256 KiB Parallel output for the object, the probe's branch and each analysis' job id and
     * results URI: ParallelOutputBoundTest adds up the worst case.
     */
    public static final int SUMMARY_BUDGET_BYTES = 128 * 1024;

    static final String JOB_FAILED_ERROR = "RekognitionJobFailed";

    private static final Logger LOG = LoggerFactory.getLogger(JobCompletion.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final VideoAnalyzer analyzer;
    private final TaskTokenStore tokens;
    private final TaskCallbacks callbacks;
    private final ResultStore results;
    private final ResultLocation location;
    private final Map<Analysis, Float> minConfidence;
    private final int budgetPerAnalysis;
    private final Clock clock;

    public JobCompletion(
            VideoAnalyzer analyzer,
            TaskTokenStore tokens,
            TaskCallbacks callbacks,
            ResultStore results,
            ResultLocation location,
            List<AnalysisRequest> requests,
            Clock clock) {
        this.clock = clock;
        this.analyzer = analyzer;
        this.tokens = tokens;
        this.callbacks = callbacks;
        this.results = results;
        this.location = location;
        EnumMap<Analysis, Float> m = new EnumMap<>(Analysis.class);
        requests.forEach(r -> m.put(r.analysis(), r.minConfidence()));
        this.minConfidence = m;
        this.budgetPerAnalysis = SUMMARY_BUDGET_BYTES / Math.max(1, requests.size());
    }

    /**
     * What happened to one notification, for logs, metrics and tests.
     *
     * @param waitMillis time since the earliest waiter registered for the job, or -1 without waiters
     */
    public record Handled(int waiters, int answered, long waitMillis) {}

    /**
     * @param notified the status the notification carried; for FAILED/ERROR the StatusMessage is fetched with
     *     a Get* call, since the notification does not carry it
     */
    public Handled onJobFinished(String jobId, JobState notified) {
        List<TaskTokenStore.JobWaiter> waiters = tokens.waitersOf(jobId);
        if (waiters.isEmpty()) {
            // Expected in a burst: a short job can end before its start has registered the token, and that start
            // then completes it itself (AnalysisStarter reads the status of its jobs after registering).
            LOG.info("no execution waits for Rekognition job {} ({}) yet, or any more: its start completes it if it"
                    + " has not registered it, or its execution has ended; acknowledged", jobId, notified.status());
            return new Handled(0, 0, -1);
        }
        Analysis analysis = waiters.get(0).analysis();
        String resultJson = resultOf(jobId, analysis, notified, waiters.get(0));
        int answered = 0;
        for (TaskTokenStore.JobWaiter waiter : waiters) {
            TaskTokenStore.Progress progress = tokens.recordResult(waiter.waiterId(), jobId, analysis, resultJson);
            if (progress == null) {
                LOG.warn("waiter {} for job {} is gone (expired); acknowledged", waiter.waiterId(), jobId);
                continue;
            }
            if (!progress.applied()) {
                LOG.info("job {} was already recorded for waiter {} (redelivery)", jobId, waiter.waiterId());
            }
            if (progress.allDone() && !progress.sent()) {
                answer(waiter.waiterId(), progress);
                answered++;
            }
        }
        long registered = waiters.stream().mapToLong(TaskTokenStore.JobWaiter::registeredAtMillis).min().orElse(0);
        return new Handled(waiters.size(), answered, Math.max(0, clock.millis() - registered));
    }

    /** Answers a waiter whose results are all in (also used when every analysis was refused up front). */
    void answer(String waiterId, TaskTokenStore.Progress progress) {
        ObjectNode output = taskOutput(progress.results());
        TaskCallbacks.Delivery delivery;
        if (output == null) {
            List<String> failures = new ArrayList<>();
            progress.results().forEach((code, json) -> failures.add(code + ": "
                    + JsonSize.cap(parse(json).path("reason").asText(), JsonSize.MAX_REASON_CODE_POINTS)));
            delivery = callbacks.failure(progress.taskToken(), JOB_FAILED_ERROR, String.join("; ", failures));
        } else {
            delivery = callbacks.success(progress.taskToken(), output.toString());
        }
        if (delivery == TaskCallbacks.Delivery.GONE) {
            LOG.warn("task of waiter {} no longer waits (timed out or redriven); acknowledged", waiterId);
        }
        tokens.markSent(waiterId);
    }

    /**
     * The "Analyze With Rekognition" task's output for these results (analysis code to result JSON):
     * {@code {status: OK|SKIPPED, reason?, analyses: {...}}}, or null when every analysis failed (the task then
     * fails). Reasons are capped; summaries were made within their budget; so the output is bounded.
     */
    static ObjectNode taskOutput(Map<String, String> results) {
        ObjectNode analyses = JSON.createObjectNode();
        int ok = 0;
        int skipped = 0;
        List<String> skips = new ArrayList<>();
        for (Map.Entry<String, String> e : results.entrySet()) {
            JsonNode one = parse(e.getValue());
            if (one instanceof ObjectNode object && object.hasNonNull("reason")) {
                object.put("reason", JsonSize.cap(object.get("reason").asText(), JsonSize.MAX_REASON_CODE_POINTS));
            }
            analyses.set(e.getKey(), one);
            switch (BranchStatus.of(one.path("status").asText())) {
                case OK -> ok++;
                case SKIPPED -> {
                    skipped++;
                    skips.add(e.getKey() + ": " + one.path("reason").asText());
                }
                case FAILED, TIMED_OUT -> { }
            }
        }
        if (ok == 0 && skipped == 0) {
            return null;
        }
        ObjectNode output = (ok == 0 ? BranchOutcome.of(BranchStatus.SKIPPED, String.join("; ", skips))
                : BranchOutcome.ok()).toJson();
        output.set("analyses", analyses);
        return output;
    }

    private String resultOf(String jobId, Analysis analysis, JobState notified, TaskTokenStore.JobWaiter waiter) {
        ObjectNode result = JSON.createObjectNode();
        result.put("jobId", jobId);
        if (notified.succeeded()) {
            JsonNode full = analyzer.results(analysis, jobId);
            byte[] bytes = full.toString().getBytes(StandardCharsets.UTF_8);
            String uri = results.putJson(location.keyFor(waiter.object(), "rekognition/" + analysis.code() + ".json"),
                    bytes);
            result.put("status", BranchStatus.OK.name());
            result.put("resultsUri", uri);
            result.set("summary", ResultsSummarizer.summarize(
                    analysis, full, minConfidence.getOrDefault(analysis, 0f), budgetPerAnalysis));
            return result.toString();
        }
        JobState state = notified.statusMessage() == null ? withMessage(analysis, jobId, notified) : notified;
        String message = state.statusMessage() == null || state.statusMessage().isEmpty()
                ? "Rekognition job " + state.status() : state.statusMessage();
        result.put("status", (state.unsupportedMedia() ? BranchStatus.SKIPPED : BranchStatus.FAILED).name());
        result.put("reason", message);
        return result.toString();
    }

    private JobState withMessage(Analysis analysis, String jobId, JobState notified) {
        JobState fetched = analyzer.status(analysis, jobId);
        return new JobState(notified.status(), fetched.statusMessage());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored analysis result is not JSON", e);
        }
    }
}
