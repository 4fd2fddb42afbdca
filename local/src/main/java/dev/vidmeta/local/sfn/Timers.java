package dev.vidmeta.local.sfn;

import java.time.Duration;
import java.util.concurrent.Future;

/**
 * Where the engine's timers run: Wait states, retry back-off, TimeoutSeconds, HeartbeatSeconds and the
 * machine's TimeoutSeconds. {@link LocalStepFunctions} runs them in real time; a test can pass timers it fires
 * itself, so that a check such as "a heartbeat re-arms HeartbeatSeconds" does not depend on how promptly a
 * loaded machine schedules threads.
 */
@FunctionalInterface
interface Timers {

    /** Runs {@code action} once {@code delay} (already scaled by the time scale) has passed. */
    Future<?> schedule(Duration delay, Runnable action);
}
