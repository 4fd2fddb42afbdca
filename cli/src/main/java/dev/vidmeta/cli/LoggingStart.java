package dev.vidmeta.cli;

import org.slf4j.LoggerFactory;

/**
 * Starts the logging on a thread of its own, once, so that it runs beside other work: for the commands that start
 * the local runtime, beside picocli's building of the command line. Starting it means getting a logger, not only
 * SLF4J's factory: Log4j (SLF4J's provider here) reads its configuration and builds the JSON layout at the first
 * logger, about 0.14 s of CPU (measured at {@code local up}, JDK 25, C1, class cache), which would otherwise fall
 * on whichever start-up thread logs first.
 *
 * <p>Once only, and awaited before the local runtime starts: SLF4J answers a second caller during its
 * initialisation with stand-in loggers, and warns for each one that then logged.
 */
final class LoggingStart {

    private static Thread thread;

    private LoggingStart() {
    }

    /** Starts it, unless it has started already. */
    static synchronized void begin() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("vidmeta-logging-start")
                    .start(() -> LoggerFactory.getLogger(LoggingStart.class));
        }
    }

    /** Starts it if need be, and waits until it has. */
    static void await() {
        Thread started;
        synchronized (LoggingStart.class) {
            begin();
            started = thread;
        }
        try {
            started.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the logging started", e);
        }
    }
}
