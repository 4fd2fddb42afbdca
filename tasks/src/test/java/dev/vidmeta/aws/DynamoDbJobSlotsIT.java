package dev.vidmeta.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.analysis.Analysis;
import dev.vidmeta.analysis.JobSlots;
import dev.vidmeta.analysis.WaitingList;
import dev.vidmeta.local.dynamodb.LocalDynamoDb;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.testing.InMemoryDynamoDb;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The slot leases and the waiting list on dynalite: the conditional writes DynamoDB's documents describe
 * (Condition expressions, UpdateItem, DeleteItem) hold the limit and take each waiter once.
 */
class DynamoDbJobSlotsIT {

    private static final ObjectRef OBJECT = new ObjectRef("uploads", "clips/a.mp4", "v1", "e1", 10L, "0A",
            null, null, null);
    @RegisterExtension
    static final InMemoryDynamoDb DYNAMODB = new InMemoryDynamoDb();
    private static DynamoDbClient client;
    private static int tables;
    private DynamoDbJobSlots slots;
    private DynamoDbWaitingList waiting;

    @BeforeAll
    static void start() {
        client = DYNAMODB.client();
    }

    @BeforeEach
    void freshTable() {
        String name = "tokens-" + (++tables);
        LocalDynamoDb.createTable(client, TaskTokenTable.createTableRequest(name));
        slots = new DynamoDbJobSlots(client, name);
        waiting = new DynamoDbWaitingList(client, name);
    }

    private static JobSlots.Lease lease(String key) {
        return new JobSlots.Lease(key, "w-" + key, Analysis.CELEBRITIES, null, 1_000L, 61_000L);
    }

    @Test
    void acquireRequest_shouldBeOneConditionalSet_boundedBySizeOfLeases_andAbsentKeys() {
        // WHEN two leases are asked for under a limit of 20
        var request = slots.acquireRequest(List.of(lease("k1"), lease("k2")), 20);

        // THEN one UpdateItem on the slots item: the count is the map's size, and neither key may be held
        assertThat(request.key()).isEqualTo(TaskTokenTable.SLOTS_KEY);
        assertThat(request.updateExpression()).isEqualTo("SET #leases.#k0 = :l0, #leases.#k1 = :l1");
        assertThat(request.conditionExpression()).isEqualTo(
                "size(#leases) <= :max AND attribute_not_exists(#leases.#k0) AND attribute_not_exists(#leases.#k1)");
        assertThat(request.expressionAttributeNames()).isEqualTo(Map.of("#leases", "leases", "#k0", "k1", "#k1", "k2"));
        assertThat(request.expressionAttributeValues().get(":max")).isEqualTo(AttributeValue.fromN("18"));
        assertThat(request.expressionAttributeValues().get(":l0").m()).isEqualTo(Map.of(
                "waiterId", AttributeValue.fromS("w-k1"), "analysis", AttributeValue.fromS("celebrities"),
                "acquiredAt", AttributeValue.fromN("1000"), "leaseExpiresAt", AttributeValue.fromN("61000")));
    }

    @Test
    void acquire_shouldNeverHoldMoreThanTheLimit_whenManyStartAtOnce() throws Exception {
        // GIVEN 3 slots and 12 starts racing for them
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String key = "job-" + i;
            results.add(pool.submit(() -> slots.acquire(List.of(lease(key)), 3)));
        }
        int taken = 0;
        for (Future<Boolean> f : results) {
            taken += f.get() ? 1 : 0;
        }
        pool.shutdown();

        // THEN exactly 3 won, and 3 are held
        assertThat(taken).isEqualTo(3);
        assertThat(slots.read().inUse()).isEqualTo(3);
    }

    @Test
    void acquire_shouldBeAllOrNone_andIdempotentForHeldKeys() {
        // GIVEN 2 slots, one held by k1
        assertThat(slots.acquire(List.of(lease("k1")), 2)).isTrue();

        // WHEN the holder of k1 asks again (a redrive), and another asks for two at once
        boolean again = slots.acquire(List.of(lease("k1")), 2);
        boolean two = slots.acquire(List.of(lease("k2"), lease("k3")), 2);

        // THEN the redrive holds k1 without a second slot; the pair gets neither
        assertThat(again).isTrue();
        assertThat(two).isFalse();
        assertThat(slots.read().leases()).extracting(JobSlots.Lease::key).containsExactly("k1");
    }

    @Test
    void release_shouldSucceedOnce_andRecordJob_shouldNameTheJob() {
        // GIVEN a held lease whose job started
        slots.acquire(List.of(lease("k1")), 1);
        slots.recordJob("k1", "job-77");
        assertThat(slots.read().lease("k1").jobId()).isEqualTo("job-77");

        // WHEN it is released twice (a duplicated notification)
        boolean first = slots.release("k1");
        boolean second = slots.release("k1");

        // THEN only the first released it, and the slot is free for another
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(slots.acquire(List.of(lease("k2")), 1)).isTrue();
    }

    @Test
    void waitingList_shouldGiveTheOldestFirst_andTakeEachWaiterOnce() {
        // GIVEN three waiters listed out of order
        for (long t : new long[] {3_000, 1_000, 2_000}) {
            waiting.add(new WaitingList.Waiter("w" + t, "token-" + t, "exec-" + t, OBJECT, t, 99));
        }

        // WHEN two drains find the same oldest waiter
        WaitingList.Waiter oldest = waiting.oldest(10).get(0);
        boolean first = waiting.take(oldest);
        boolean second = waiting.take(oldest);

        // THEN the oldest came back whole, one drain took it, and the next is the second oldest
        assertThat(oldest).isEqualTo(new WaitingList.Waiter("w1000", "token-1000", "exec-1000", OBJECT, 1_000, 99));
        assertThat(oldest.position()).isEqualTo("000000000001000#w1000");
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(waiting.oldest(10)).extracting(WaitingList.Waiter::waiterId).containsExactly("w2000", "w3000");
    }
}
