package dev.vidmeta.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.record.ResultLocation;
import dev.vidmeta.testing.Fakes;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rekognition jobs admitted through slot leases, with no polling: an execution without a free slot waits on its own
 * task token ("Wait for a Callback with Task Token",
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token) until a job's
 * end wakes it. The slot count stands for Rekognition's concurrent stored-video job quota ("Guidelines and quotas in
 * Amazon Rekognition", https://docs.aws.amazon.com/rekognition/latest/dg/limits.html).
 */
class AnalysisAdmissionTest {

    private static final List<AnalysisRequest> REQUESTS = AnalysisRequest.parseList("celebrities");
    private static final Duration LEASE = Duration.ofMinutes(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T05:00:00Z"));
    private final Fakes.Rekognition rekognition = new Fakes.Rekognition();
    private final Fakes.TaskTokens tokens = new Fakes.TaskTokens();
    private final Fakes.Callbacks callbacks = new Fakes.Callbacks();
    private final Fakes.Slots slots = new Fakes.Slots();
    private final Fakes.Waiting waiting = new Fakes.Waiting();
    private final JobCompletion completion = new JobCompletion(rekognition, tokens, callbacks,
            new Fakes.Results("results"), new ResultLocation("results", ""), REQUESTS, clock);

    private AnalysisStarter starter(int limit) {
        return starter(limit, callbacks);
    }

    private AnalysisStarter starter(int limit, TaskCallbacks stepFunctions) {
        var admission = new AnalysisAdmission(slots, waiting, stepFunctions, rekognition,
                List.of(Analysis.CELEBRITIES), limit, LEASE, 3600, clock);
        return new AnalysisStarter(rekognition, (object, length) -> {
            throw new IOException("format not checked here");
        }, tokens, completion, admission, REQUESTS, 3600, clock);
    }

    private static ObjectRef video(int i) {
        return new ObjectRef("uploads", "burst/clip-" + i + ".mp4", "v" + i, "e" + i, 1000L, "0A", null, null, null);
    }

    private static String execution(int i) {
        return "arn:aws:states:eu-west-1:111122223333:execution:vm:e" + i;
    }

    /** Starts video i's analysis as the start Lambda would, one millisecond after the previous one. */
    private AnalysisStarter.Started upload(AnalysisStarter starter, int i) {
        clock.advance(Duration.ofMillis(1));
        return starter.start("token-" + i, execution(i), video(i));
    }

    @Test
    void start_shouldStartAtOnce_whileSlotsAreFree_andListTheRestWithoutAnyStartCall() {
        AnalysisStarter starter = starter(2);

        // WHEN three videos arrive against two slots
        var first = upload(starter, 1);
        var second = upload(starter, 2);
        var third = upload(starter, 3);

        // THEN two jobs started; the third waits in the list with its token, Rekognition never asked
        assertThat(first.jobs()).containsOnlyKeys("job-1");
        assertThat(second.jobs()).containsOnlyKeys("job-2");
        assertThat(third.queued()).isTrue();
        assertThat(third.jobs()).isEmpty();
        assertThat(rekognition.starts()).extracting(Fakes.Rekognition.Start::uri)
                .containsExactly(video(1).uri(), video(2).uri());
        assertThat(waiting.all()).singleElement().satisfies(w -> {
            assertThat(w.taskToken()).isEqualTo("token-3");
            assertThat(w.executionId()).isEqualTo(execution(3));
            assertThat(w.object()).isEqualTo(video(3));
        });
        // each started job's lease names it, so its notification can release it
        assertThat(slots.read().leases()).extracting(JobSlots.Lease::jobId).containsExactly("job-1", "job-2");
        assertThat(callbacks.sent()).isEmpty();
    }

    @Test
    void jobEnded_shouldReleaseTheSlot_andWakeTheOldestWaiter_inArrivalOrder() {
        AnalysisStarter starter = starter(1);
        upload(starter, 1);
        upload(starter, 2);
        upload(starter, 3);

        // WHEN the running job ends
        // (in the callback's order: the slot first, then the job's own task)
        rekognition.finish("job-1", new JobState("FAILED", "Unsupported codec/format."), null);
        AnalysisAdmission.Drained drained = starter.jobEnded("job-1");
        starter.completion().onJobFinished("job-1", new JobState("FAILED", "Unsupported codec/format."));

        // THEN exactly the oldest waiter (video 2) holds the slot and its job started under its token
        assertThat(drained.woken()).isEqualTo(1);
        assertThat(rekognition.starts()).extracting(Fakes.Rekognition.Start::uri)
                .containsExactly(video(1).uri(), video(2).uri());
        assertThat(tokens.registrations()).extracting(Fakes.TaskTokens.Registration::taskToken)
                .containsExactly("token-1", "token-2");
        assertThat(waiting.all()).extracting(WaitingList.Waiter::taskToken).containsExactly("token-3");
        assertThat(slots.read().leases()).extracting(JobSlots.Lease::jobId).containsExactly("job-2");
    }

    @Test
    void jobEnded_shouldWakeExactlyOneWaiter_whenTheNotificationIsDuplicated() {
        AnalysisStarter starter = starter(1);
        upload(starter, 1);
        upload(starter, 2);
        upload(starter, 3);

        // WHEN SNS delivers the end of job-1 twice
        AnalysisAdmission.Drained first = starter.jobEnded("job-1");
        AnalysisAdmission.Drained second = starter.jobEnded("job-1");

        // THEN the first delivery woke video 2; the second released nothing and woke no one
        assertThat(first.woken()).isEqualTo(1);
        assertThat(second.woken()).isZero();
        assertThat(rekognition.starts()).hasSize(2);
        assertThat(waiting.all()).extracting(WaitingList.Waiter::taskToken).containsExactly("token-3");
    }

    @Test
    void drain_shouldPutTheWaiterBack_whenAskingWhetherItStillWaitsFails() {
        // GIVEN one slot, its job running, a listed waiter, and a Step Functions that throttles the drain's
        // SendTaskHeartbeat once
        TaskCallbacks throttledOnce = new TaskCallbacks() {
            private boolean throttled;

            @Override
            public Delivery success(String taskToken, String outputJson) {
                return callbacks.success(taskToken, outputJson);
            }

            @Override
            public Delivery failure(String taskToken, String error, String cause) {
                return callbacks.failure(taskToken, error, cause);
            }

            @Override
            public boolean waiting(String taskToken) {
                if (!throttled) {
                    throttled = true;
                    throw new IllegalStateException("ThrottlingException: Rate exceeded");
                }
                return callbacks.waiting(taskToken);
            }
        };
        AnalysisStarter starter = starter(1, throttledOnce);
        upload(starter, 1);
        upload(starter, 2);

        // WHEN the first job ends and the drain fails after taking the waiter off the list
        assertThatThrownBy(() -> starter.jobEnded("job-1")).hasMessageContaining("Rate exceeded");

        // THEN the waiter is back on the list, and the notification's retry wakes it
        assertThat(waiting.all()).extracting(WaitingList.Waiter::taskToken).containsExactly("token-2");
        starter.jobEnded("job-1");
        assertThat(waiting.all()).isEmpty();
        assertThat(rekognition.starts()).extracting(Fakes.Rekognition.Start::uri)
                .containsExactly(video(1).uri(), video(2).uri());
    }

    @Test
    void drain_shouldSkipAWaiterWhoseExecutionStopped_withoutGivingItASlot() {
        AnalysisStarter starter = starter(1);
        upload(starter, 1);
        upload(starter, 2);
        upload(starter, 3);
        // GIVEN video 2's execution was stopped while it waited: its token answers TaskTimedOut
        callbacks.gone("token-2");

        // WHEN the slot frees
        AnalysisAdmission.Drained drained = starter.jobEnded("job-1");

        // THEN video 2 is dropped (asked once), no job for it, and video 3 gets the slot
        assertThat(drained.skipped()).isEqualTo(1);
        assertThat(drained.woken()).isEqualTo(1);
        assertThat(callbacks.heartbeats()).containsExactly("token-2", "token-3");
        assertThat(rekognition.starts()).extracting(Fakes.Rekognition.Start::uri)
                .containsExactly(video(1).uri(), video(3).uri());
        assertThat(waiting.all()).isEmpty();
        assertThat(slots.read().leases()).extracting(JobSlots.Lease::waiterId)
                .containsExactly(JobTokens.waiterId(execution(3)));
    }

    @Test
    void start_shouldTakeNoSecondSlot_whenARedrivenExecutionStartsTheSameJobAgain() {
        AnalysisStarter starter = starter(1);
        upload(starter, 1);

        // WHEN the same execution's start runs again with a new token (a redrive), the slot being full
        AnalysisStarter.Started again = starter.start("token-1-redriven", execution(1), video(1));

        // THEN the same ClientRequestToken gives the same job, and its lease is the one already held
        assertThat(again.queued()).isFalse();
        assertThat(again.jobs()).containsOnlyKeys("job-1");
        assertThat(rekognition.starts()).extracting(Fakes.Rekognition.Start::token).containsOnly(
                JobTokens.clientRequestToken(video(1), REQUESTS.get(0)));
        assertThat(slots.read().inUse()).isEqualTo(1);
        assertThat(waiting.all()).isEmpty();
    }

    @Test
    void drain_shouldFreeAnExpiredLeaseOfAStuckJob_failItsTaskWithTheReason_andWakeTheNextWaiter() {
        AnalysisStarter starter = starter(1);
        upload(starter, 1);
        upload(starter, 2);

        // WHEN the lease's time passes with job-1 still IN_PROGRESS (its notification lost), and a third video arrives
        clock.advance(LEASE.plusSeconds(1));
        AnalysisStarter.Started third = upload(starter, 3);

        // THEN job-1's slot went to video 2 (the oldest waiter), and video 1's task failed saying why
        assertThat(third.queued()).isTrue();
        assertThat(rekognition.reads()).contains("status celebrities job-1");
        assertThat(rekognition.starts()).extracting(Fakes.Rekognition.Start::uri)
                .containsExactly(video(1).uri(), video(2).uri());
        assertThat(callbacks.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.taskToken()).isEqualTo("token-1");
            assertThat(sent.error()).isEqualTo(JobCompletion.JOB_FAILED_ERROR);
            assertThat(sent.cause()).contains("job-1").contains("held its slot past the lease of 1800 s")
                    .contains("IN_PROGRESS").contains("no completion notification arrived");
        });
        assertThat(slots.read().leases()).extracting(JobSlots.Lease::jobId).containsExactly("job-2");
    }

    @Test
    void drain_shouldCompleteAnExpiredLeaseWhoseJobFinished_asIfItsNotificationHadArrived() throws Exception {
        AnalysisStarter starter = starter(1);
        upload(starter, 1);
        upload(starter, 2);
        // GIVEN job-1 finished but its notification never came
        rekognition.finish("job-1", new JobState("SUCCEEDED", null),
                new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"Celebrities\": []}"));

        // WHEN the lease expires and something drains (the scheduled sweep)
        clock.advance(LEASE.plusSeconds(1));
        AnalysisAdmission.Drained drained = starter.drain();

        // THEN video 1 is answered with its results, and video 2 got the slot
        assertThat(drained.reconciled()).isEqualTo(1);
        assertThat(drained.woken()).isEqualTo(1);
        assertThat(callbacks.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.taskToken()).isEqualTo("token-1");
            assertThat(sent.output()).contains("\"status\":\"OK\"");
        });
        assertThat(rekognition.starts()).hasSize(2);
    }

    @Test
    void admission_shouldRefuseMoreAnalysesPerVideoThanSlots() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AnalysisAdmission(slots, waiting, callbacks,
                rekognition, List.of(Analysis.CELEBRITIES, Analysis.LABELS), 1, LEASE, 3600, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than the 1 configured");
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
