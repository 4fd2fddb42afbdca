package dev.vidmeta.analysis;

import dev.vidmeta.record.ObjectRef;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits Rekognition jobs through slot leases ({@link JobSlots}) instead of a retry storm on LimitExceededException.
 *
 * <ul>
 *   <li>An execution that gets its slots (one conditional write) starts its jobs at once.</li>
 *   <li>One that does not joins the {@link WaitingList} with its task token and returns: its task keeps waiting on
 *       that same token ({@code waitForTaskToken}), with no Wait/Choice loop and no extra state transition.</li>
 *   <li>Whoever frees a slot (the callback on a job's end, a reconciled lease) calls {@link #drain}: it wakes the
 *       oldest waiters while slots are free. Each waiter is taken off the list by a conditional delete, so exactly
 *       one drain wakes it, and only a drain that then gets the slots starts its jobs: the slots, not the
 *       notifications, bound how many wake. A duplicated notification releases nothing (the lease is gone) and
 *       wakes no one (no slot is free).</li>
 *   <li>A waiter whose execution has gone (stopped, timed out: SendTaskHeartbeat answers TaskTimedOut) is dropped
 *       without a slot.</li>
 *   <li>A lease older than its duration is reconciled against the job's Get* status in every drain: a finished job
 *       is completed as if its notification had arrived; one still IN_PROGRESS, or unknown, gives up its slot and
 *       its waiters get a FAILED analysis with the reason, so the video ends PARTIAL.</li>
 * </ul>
 */
public final class AnalysisAdmission {

    /** Rekognition Video's default quota of concurrent stored-video jobs per account and region (limits.html). */
    public static final int DEFAULT_SLOTS = 20;

    /** The error a woken waiter's task fails with when Rekognition still refuses (LimitExceeded): the ASL retries it. */
    static final String BUSY_ERROR = RekognitionBusyException.class.getName();
    static final String START_FAILED_ERROR = "vidmeta.AnalysisStartFailed";

    /** Waiters read from the list at a time. */
    static final int PEEK = 10;

    private static final Logger LOG = LoggerFactory.getLogger(AnalysisAdmission.class);

    /** Starts the jobs of a waiter that holds its slots. */
    @FunctionalInterface
    public interface Starter {
        void start(String taskToken, String executionId, ObjectRef object);
    }

    /** What one drain did, for logs and tests. */
    public record Drained(int woken, int skipped, int reconciled) {}

    private final JobSlots slots;
    private final WaitingList waiting;
    private final TaskCallbacks callbacks;
    private final VideoAnalyzer analyzer;
    private final List<Analysis> analyses;
    private final int limit;
    private final Duration leaseDuration;
    private final long waiterTtlSeconds;
    private final Clock clock;

    /**
     * @param analyses one slot each per video (each is one Rekognition job)
     * @param limit the slot count, shared by every analysis type
     * @param leaseDuration how long a job may hold its slot before it is reconciled
     * @param waiterTtlSeconds how long a listed waiter lives at most (its token's lifetime)
     */
    public AnalysisAdmission(JobSlots slots, WaitingList waiting, TaskCallbacks callbacks, VideoAnalyzer analyzer,
            List<Analysis> analyses, int limit, Duration leaseDuration, long waiterTtlSeconds, Clock clock) {
        if (analyses.size() > limit) {
            throw new IllegalArgumentException(analyses.size() + " analyses need " + analyses.size()
                    + " Rekognition job slots per video, more than the " + limit + " configured");
        }
        this.slots = slots;
        this.waiting = waiting;
        this.callbacks = callbacks;
        this.analyzer = analyzer;
        this.analyses = List.copyOf(analyses);
        this.limit = limit;
        this.leaseDuration = leaseDuration;
        this.waiterTtlSeconds = waiterTtlSeconds;
        this.clock = clock;
    }

    /** Takes a slot for each configured analysis of this object version, all or none. */
    public boolean acquire(String waiterId, ObjectRef object) {
        long now = clock.millis();
        List<JobSlots.Lease> leases = analyses.stream().map(a -> new JobSlots.Lease(JobTokens.leaseKey(object, a),
                waiterId, a, null, now, now + leaseDuration.toMillis())).toList();
        return slots.acquire(leases, limit);
    }

    public void recordJob(ObjectRef object, Analysis analysis, String jobId) {
        slots.recordJob(JobTokens.leaseKey(object, analysis), jobId);
    }

    /** Releases the slot of a job that will not run or has ended; true when this call released it. */
    public boolean release(ObjectRef object, Analysis analysis) {
        return slots.release(JobTokens.leaseKey(object, analysis));
    }

    /** Releases the slot whose lease names this job (a notification names the job, not the lease). */
    public boolean releaseJob(String jobId) {
        return slots.read().leases().stream().filter(l -> jobId.equals(l.jobId())).findFirst()
                .map(l -> slots.release(l.key())).orElse(false);
    }

    /** Lists an execution that got no slot; the caller then drains (see {@link AnalysisStarter}). */
    public void enqueue(String waiterId, String taskToken, String executionId, ObjectRef object) {
        long now = clock.millis();
        waiting.add(new WaitingList.Waiter(waiterId, taskToken, executionId, object, now,
                now / 1000 + waiterTtlSeconds));
    }

    /**
     * Wakes the oldest waiters while slots are free; reconciles expired leases first.
     *
     * <p>It stops when the slots are full <em>after</em> the last waiter it looked at is back on the list, so a slot
     * freed meanwhile is never lost: its own drain finds that waiter.
     */
    public Drained drain(Starter starter, JobCompletion completion) {
        int woken = 0;
        int skipped = 0;
        int reconciled = 0;
        while (true) {
            JobSlots.Holding holding = slots.read();
            List<JobSlots.Lease> expired = holding.expired(clock.millis());
            if (!expired.isEmpty()) {
                reconciled += reconcile(expired, completion);
                holding = slots.read();
            }
            if (holding.inUse() + analyses.size() > limit) {
                break; // full: the next release drains
            }
            List<WaitingList.Waiter> oldest = waiting.oldest(PEEK);
            if (oldest.isEmpty()) {
                break;
            }
            WaitingList.Waiter next = takeOne(oldest);
            if (next == null) {
                continue; // other drains woke all of them
            }
            boolean stillWaits;
            boolean acquired;
            try {
                stillWaits = callbacks.waiting(next.taskToken());
                acquired = stillWaits && acquire(next.waiterId(), next.object());
            } catch (RuntimeException e) {
                waiting.add(next); // taken off the list, not woken: back in its place for the next drain
                throw e;
            }
            if (!stillWaits) {
                LOG.info("waiter {} ({}) no longer waits (stopped or timed out): dropped without a slot",
                        next.waiterId(), next.executionId());
                skipped++;
                continue;
            }
            if (!acquired) {
                waiting.add(next); // a start took the slot first: back in its place, and look again
                continue;
            }
            try {
                starter.start(next.taskToken(), next.executionId(), next.object());
                woken++;
            } catch (RekognitionBusyException e) {
                // More jobs run in the account than our slots know of (another workload, or a slot count above the
                // quota): the task fails with the error the ASL retries, and this drain stops.
                LOG.warn("Rekognition refused the jobs of woken waiter {}: {}", next.waiterId(), e.getMessage());
                callbacks.failure(next.taskToken(), BUSY_ERROR, e.getMessage());
                break;
            } catch (RuntimeException e) {
                LOG.error("starting the jobs of woken waiter {} failed", next.waiterId(), e);
                callbacks.failure(next.taskToken(), START_FAILED_ERROR, "starting the Rekognition jobs failed: " + e);
            }
        }
        return new Drained(woken, skipped, reconciled);
    }

    /**
     * Takes the oldest waiter; when a concurrent drain took it first (a burst of job ends: every drain sees the same
     * oldest), tries the others read with it from a random one on, so that racing drains stop colliding in the same
     * order. Arrival order holds exactly for a drain alone, and within these few waiters when drains race.
     */
    private WaitingList.Waiter takeOne(List<WaitingList.Waiter> oldest) {
        if (waiting.take(oldest.get(0))) {
            return oldest.get(0);
        }
        int others = oldest.size() - 1;
        int from = others > 0 ? ThreadLocalRandom.current().nextInt(others) : 0;
        for (int i = 0; i < others; i++) {
            WaitingList.Waiter candidate = oldest.get(1 + (from + i) % others);
            if (waiting.take(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Leases past their duration: a lost notification or a crashed callback must not hold a slot forever. */
    private int reconcile(List<JobSlots.Lease> expired, JobCompletion completion) {
        int released = 0;
        for (JobSlots.Lease lease : expired) {
            if (lease.jobId() == null) {
                // The start crashed before the job's id was noted: its execution's task fails or is retried on
                // its own (the Lambda error); the slot must not wait for it.
                if (slots.release(lease.key())) {
                    LOG.warn("lease {} of waiter {} expired before its job was recorded; slot released", lease.key(),
                            lease.waiterId());
                    released++;
                }
                continue;
            }
            JobState state;
            try {
                state = analyzer.status(lease.analysis(), lease.jobId());
            } catch (RuntimeException e) {
                state = new JobState("UNKNOWN", "Rekognition does not know job " + lease.jobId() + ": " + e.getMessage());
            }
            if (!slots.release(lease.key())) {
                continue; // another drain reconciled it
            }
            released++;
            if (state.finished() && !"UNKNOWN".equals(state.status())) {
                LOG.warn("lease of Rekognition job {} expired and the job is {}: its notification was lost; completing",
                        lease.jobId(), state.status());
                completion.onJobFinished(lease.jobId(), state);
            } else {
                String reason = "Rekognition job " + lease.jobId() + " held its slot past the lease of "
                        + leaseDuration.toSeconds() + " s and is " + ("UNKNOWN".equals(state.status())
                        ? "unknown (" + state.statusMessage() + ")" : state.status())
                        + ": no completion notification arrived; slot released";
                LOG.warn(reason);
                completion.onJobFinished(lease.jobId(), new JobState("FAILED", reason));
            }
        }
        return released;
    }
}
