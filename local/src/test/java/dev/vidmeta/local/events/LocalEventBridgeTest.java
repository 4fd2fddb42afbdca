package dev.vidmeta.local.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vidmeta.local.s3.ObjectCreated;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalEventBridgeTest {

    private static String event(String bucket) {
        return S3EventJson.of(new ObjectCreated(bucket, "uploads/a b.mp4", 10, "etag", null, "000000000000000001",
                "PutObject", "0123456789ABCDEF", Instant.parse("2026-11-21T05:00:00Z")));
    }

    @Test
    void projectRule_shouldMatchObjectCreatedAndDeleted_inTheSourceBucketOnly() {
        try (var bus = LocalEventBridge.create()) {
            List<String> delivered = new CopyOnWriteArrayList<>();
            bus.putRule("object-created", LocalEventBridge.objectCreatedPattern("uploads-bucket"), delivered::add);

            assertThat(bus.putEvent(event("uploads-bucket"))).containsExactly("object-created");
            assertThat(bus.putEvent(event("results-bucket"))).isEmpty();
            assertThat(bus.putEvent(event("uploads-bucket").replace("Object Created", "Object Deleted")))
                    .containsExactly("object-created");
            assertThat(bus.putEvent(event("results-bucket").replace("Object Created", "Object Deleted"))).isEmpty();
            assertThat(bus.putEvent(event("uploads-bucket").replace("Object Created", "Object Restore Completed")))
                    .isEmpty();
        }
    }

    @Test
    void target_shouldReceiveTheEventUnchanged() throws Exception {
        String event = event("uploads-bucket");
        List<String> delivered = new CopyOnWriteArrayList<>();
        try (var bus = LocalEventBridge.create()) {
            bus.putRule("object-created", LocalEventBridge.objectCreatedPattern("uploads-bucket"), delivered::add);
            bus.putEvent(event);
        }
        // close() drains the delivery queue
        assertThat(delivered).containsExactly(event);
    }

    @Test
    void failingTarget_shouldBeRetried_thenDeadLettered() {
        var attempts = new AtomicInteger();
        var bus = LocalEventBridge.create(3, Duration.ofMillis(1));
        bus.putRule("object-created", LocalEventBridge.objectCreatedPattern("b1"), e -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("state machine unavailable");
        });

        String event = event("b1");
        bus.putEvent(event);
        bus.close();

        assertThat(attempts).hasValue(3);
        assertThat(bus.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.rule()).isEqualTo("object-created");
            assertThat(d.eventJson()).isEqualTo(event);
            assertThat(d.error()).isEqualTo("state machine unavailable");
        });
    }

    @Test
    void putRule_shouldRefuse_anInvalidPattern() {
        try (var bus = LocalEventBridge.create()) {
            assertThatThrownBy(() -> bus.putRule("bad", "{\"source\": \"not-an-array\"}", e -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad");
        }
    }
}
