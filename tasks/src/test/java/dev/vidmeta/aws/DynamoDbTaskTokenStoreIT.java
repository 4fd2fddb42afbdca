package dev.vidmeta.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.analysis.Analysis;
import dev.vidmeta.analysis.TaskTokenStore;
import dev.vidmeta.aws.DynamoDbTaskTokenStore;
import dev.vidmeta.aws.TaskTokenTable;
import dev.vidmeta.local.dynamodb.LocalDynamoDb;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.testing.InMemoryDynamoDb;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The task-token table's "complete once, when all jobs are done" rule, against DynamoDB Local. */
class DynamoDbTaskTokenStoreIT {

    private static final ObjectRef OBJECT = new ObjectRef("uploads", "a b+%/Été 🎬.mp4", "v1", "e1", 10L, "0A",
            null, null, null);
    @RegisterExtension
    static final InMemoryDynamoDb DYNAMODB = new InMemoryDynamoDb();
    private static DynamoDbClient client;
    private static DynamoDbTaskTokenStore store;

    @BeforeAll
    static void start() {
        client = DYNAMODB.client();
        LocalDynamoDb.createTable(client, TaskTokenTable.createTableRequest("tokens"));
        client.updateTimeToLive(TaskTokenTable.timeToLiveRequest("tokens"));
        store = new DynamoDbTaskTokenStore(client, "tokens");
    }

    @Test
    void recordResult_shouldCompleteOnlyAfterTheLastJob_andOnlyOnce() {
        // GIVEN one execution waiting for two jobs
        store.register("w1", "token-1", OBJECT, jobs("job-a", Analysis.CELEBRITIES, "job-b", Analysis.LABELS),
                Map.of(), 1_000L, 2_000L);

        // WHEN both notifications arrive, the first one twice
        TaskTokenStore.Progress first = store.recordResult("w1", "job-a", Analysis.CELEBRITIES, "{\"status\":\"OK\"}");
        TaskTokenStore.Progress redelivered = store.recordResult("w1", "job-a", Analysis.CELEBRITIES, "{}");
        TaskTokenStore.Progress last = store.recordResult("w1", "job-b", Analysis.LABELS, "{\"status\":\"SKIPPED\"}");

        // THEN
        assertThat(first.applied()).isTrue();
        assertThat(first.allDone()).isFalse();
        assertThat(redelivered.applied()).isFalse();
        assertThat(redelivered.results()).containsEntry("celebrities", "{\"status\":\"OK\"}");
        assertThat(last.applied()).isTrue();
        assertThat(last.allDone()).isTrue();
        assertThat(last.sent()).isFalse();
        assertThat(last.taskToken()).isEqualTo("token-1");
        assertThat(last.results()).containsOnlyKeys("celebrities", "labels");

        store.markSent("w1");
        assertThat(store.recordResult("w1", "job-b", Analysis.LABELS, "{}").sent()).isTrue();
    }

    @Test
    void waitersOf_shouldListEveryExecutionWaitingOnAJob_withItsObject() {
        store.register("w2", "token-2", OBJECT, jobs("job-shared", Analysis.CELEBRITIES), Map.of(), 5L, 2_000L);
        store.register("w3", "token-3", OBJECT, jobs("job-shared", Analysis.CELEBRITIES), Map.of(), 7L, 2_000L);

        List<TaskTokenStore.JobWaiter> waiters = store.waitersOf("job-shared");

        assertThat(waiters).extracting(TaskTokenStore.JobWaiter::waiterId).containsExactlyInAnyOrder("w2", "w3");
        assertThat(waiters).allSatisfy(w -> {
            assertThat(w.object()).isEqualTo(OBJECT);
            assertThat(w.analysis()).isEqualTo(Analysis.CELEBRITIES);
        });
        assertThat(store.waitersOf("job-nobody-waits-for")).isEmpty();
    }

    @Test
    void register_shouldReplaceTheWaiter_whenTheSameExecutionRetries() {
        store.register("w4", "old-token", OBJECT, jobs("job-r", Analysis.CELEBRITIES), Map.of(), 1L, 2_000L);
        store.recordResult("w4", "job-r", Analysis.CELEBRITIES, "{\"status\":\"OK\"}");
        store.markSent("w4");

        // a redrive: new token, the job is pending again so the status check can complete it
        store.register("w4", "new-token", OBJECT, jobs("job-r", Analysis.CELEBRITIES), Map.of(), 2L, 2_000L);
        TaskTokenStore.Progress p = store.recordResult("w4", "job-r", Analysis.CELEBRITIES, "{\"status\":\"OK\"}");

        assertThat(p.applied()).isTrue();
        assertThat(p.allDone()).isTrue();
        assertThat(p.sent()).isFalse();
        assertThat(p.taskToken()).isEqualTo("new-token");
    }

    @Test
    void recordResult_shouldReturnNull_whenTheWaiterIsGone() {
        assertThat(store.recordResult("never-registered", "job-x", Analysis.CELEBRITIES, "{}")).isNull();
    }

    @Test
    void register_shouldStoreAFullSizeTaskToken() {
        String token = "T".repeat(2048); // Step Functions task tokens can be up to 2,048 characters
        store.register("w5", token, OBJECT, jobs("job-t", Analysis.CELEBRITIES), Map.of(), 1L, 2_000L);

        assertThat(store.recordResult("w5", "job-t", Analysis.CELEBRITIES, "{}").taskToken()).isEqualTo(token);
    }

    @Test
    void recordResult_shouldLetExactlyOneConcurrentCallbackSeeAllDone() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 5; round++) {
                String waiter = "wc" + round;
                Map<String, Analysis> jobs = new LinkedHashMap<>();
                for (Analysis a : Analysis.values()) {
                    jobs.put(waiter + "-" + a.code(), a);
                }
                store.register(waiter, "token", OBJECT, jobs, Map.of(), 1L, 2_000L);
                List<Callable<TaskTokenStore.Progress>> calls = new ArrayList<>();
                jobs.forEach((jobId, a) -> calls.add(() -> store.recordResult(waiter, jobId, a, "{}")));

                List<Future<TaskTokenStore.Progress>> results = pool.invokeAll(calls);

                long done = 0;
                for (Future<TaskTokenStore.Progress> f : results) {
                    TaskTokenStore.Progress p = f.get();
                    assertThat(p.applied()).isTrue();
                    done += p.allDone() ? 1 : 0;
                }
                assertThat(done).as("round %d", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, Analysis> jobs(Object... pairs) {
        Map<String, Analysis> jobs = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            jobs.put((String) pairs[i], (Analysis) pairs[i + 1]);
        }
        return jobs;
    }
}
