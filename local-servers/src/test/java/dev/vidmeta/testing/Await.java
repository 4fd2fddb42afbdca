package dev.vidmeta.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded polling for tests that wait on something asynchronous. A missed deadline fails the test with what it
 * waited for and the last value seen, never returns quietly: a wait that just gives up lets the assertions after
 * it pass or fail for the wrong reason.
 */
public final class Await {

    /** Long enough for a loaded 2-core CI machine; a healthy local run takes milliseconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final long FIRST_PAUSE_MILLIS = 5;
    private static final long MAX_PAUSE_MILLIS = 100;

    private Await() {}

    /**
     * Calls {@code probe} until {@code done} accepts its value; returns that value.
     *
     * @param what what is awaited, for the failure message ("execution x to close")
     * @throws AssertionError naming {@code what} and the last value when {@code timeout} passes first
     */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            T value = probe.get();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what + "; last seen: " + value);
            }
            sleep(pause);
            pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
        }
    }

    public static <T> T until(String what, Supplier<T> probe, Predicate<? super T> done) {
        return until(what, DEFAULT_TIMEOUT, probe, done);
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition::getAsBoolean, Boolean::booleanValue);
    }

    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT_TIMEOUT, condition);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
