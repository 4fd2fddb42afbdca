package dev.vidmeta.local.sfn;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Engine timers that fire only when the test calls {@link #advance}, on the test's own thread: when
 * {@code advance} returns, every timer that fell due has run (a task timed out, say, is closed and its
 * TaskTimedOut event recorded), whatever the machine's load.
 */
final class ManualTimers implements Timers {

    private record Pending(Duration due, long order, FutureTask<Void> task) {}

    private final List<Pending> pending = new ArrayList<>();
    private final Instant start;
    private Duration now = Duration.ZERO;
    private long scheduled;

    /** Timers whose {@link #clock()} starts at the current time. */
    ManualTimers() {
        this(Instant.now());
    }

    /** Timers whose {@link #clock()} starts at {@code start}. */
    ManualTimers(Instant start) {
        this.start = start;
    }

    /** A clock that shows {@code start} plus the time {@link #advance} has moved. */
    Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                synchronized (ManualTimers.this) {
                    return start.plus(now);
                }
            }
        };
    }

    @Override
    public synchronized Future<?> schedule(Duration delay, Runnable action) {
        FutureTask<Void> task = new FutureTask<>(action, null);
        pending.add(new Pending(now.plus(delay), scheduled++, task));
        return task;
    }

    /** Moves time forward by {@code step}, running each timer that falls due, earliest first. */
    void advance(Duration step) {
        Duration until;
        synchronized (this) {
            until = now.plus(step);
        }
        while (true) {
            Pending next;
            synchronized (this) {
                next = pending.stream().filter(p -> p.due().compareTo(until) <= 0)
                        .min(Comparator.comparing(Pending::due).thenComparingLong(Pending::order)).orElse(null);
                if (next == null) {
                    now = until;
                    return;
                }
                pending.remove(next);
                now = next.due();
            }
            // Outside the lock: an action may schedule timers of its own (a retry, the next state's timeout).
            next.task().run();
        }
    }
}
