package dev.vidmeta.local.sfn;

import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.lambda.LambdaInvoker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A local AWS Step Functions: the JSONata ASL interpreter behind the service's HTTP API on 127.0.0.1 and a
 * random port. Point {@code SfnClient} (endpointOverride, any static credentials) or the AWS CLI
 * ({@code --endpoint-url}) at {@link #endpoint()}.
 *
 * <pre>{@code
 * try (LocalStepFunctions sfn = LocalStepFunctions.start(invoker, LocalStepFunctions.Options.defaults())) {
 *     SfnClient client = SfnClient.builder().endpointOverride(sfn.endpoint()).region(Region.of(sfn.region()))...
 * }
 * }</pre>
 *
 * <p>Executions run on virtual threads; Wait states, retry intervals, timeouts and heartbeats are timers, so
 * waiting executions hold no thread.
 */
public final class LocalStepFunctions implements AutoCloseable {

    /**
     * @param region the region in ARNs and in TaskScheduled events
     * @param accountId the account in ARNs
     * @param timeScale multiplies every duration the engine waits for (Wait, retry intervals, TimeoutSeconds,
     *     HeartbeatSeconds, the machine's TimeoutSeconds): 1.0 is real time; tests use e.g. 0.01 to run a
     *     "10 second" timeout in 100 ms, since ASL only allows whole seconds. Timestamps and context times stay
     *     real.
     * @param clock the source of timestamps
     * @param listener observer of every history event, or null
     * @param journalDir where executions are journaled, so that they survive a restart (the local runtime uses
     *     {@code <work-dir>/sfn}); null to keep them in memory only
     */
    public record Options(String region, String accountId, double timeScale, Clock clock,
            ExecutionListener listener, Path journalDir) {

        public Options {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(clock, "clock");
            if (!(timeScale > 0)) {
                throw new IllegalArgumentException("timeScale must be positive, was " + timeScale);
            }
        }

        /** Real time, in the local runtime's region and account, so its ARNs match the other stand-ins'. */
        public static Options defaults() {
            return new Options(LocalAws.REGION, LocalAws.ACCOUNT_ID, 1.0, Clock.systemUTC(), null, null);
        }

        public Options withRegion(String newRegion) {
            return new Options(newRegion, accountId, timeScale, clock, listener, journalDir);
        }

        public Options withTimeScale(double newTimeScale) {
            return new Options(region, accountId, newTimeScale, clock, listener, journalDir);
        }

        public Options withListener(ExecutionListener newListener) {
            return new Options(region, accountId, timeScale, clock, newListener, journalDir);
        }

        /** Journals executions under {@code dir}, and takes over the executions journaled there before. */
        public Options withJournal(Path dir) {
            return new Options(region, accountId, timeScale, clock, listener, dir);
        }
    }

    private final Options options;
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final SfnHttpServer server;
    private final Journals journals;
    private final SfnService service;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalStepFunctions(LambdaInvoker invoker, Options options, Timers timers) throws IOException {
        this.options = options;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sfn-", 0).factory());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("sfn-timer")
                .factory());
        if (timers == null) {
            // The timer thread only hands the action over, so that one slow action never delays the others.
            timers = (delay, action) -> scheduler.schedule(() -> executor.execute(action), delay.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        Interpreter interpreter = new Interpreter(invoker, executor, timers, options.clock(), options.timeScale(),
                options.region());
        this.journals = Journals.at(options.journalDir());
        this.service = new SfnService(interpreter, options.region(), options.accountId(), options.listener(),
                journals);
        this.server = new SfnHttpServer(service, executor);
    }

    /** Starts the engine and its HTTP endpoint. */
    public static LocalStepFunctions start(LambdaInvoker invoker, Options options) {
        return start(invoker, options, null);
    }

    /** Starts the engine with {@code timers} instead of real-time ones (tests); null for real time. */
    static LocalStepFunctions start(LambdaInvoker invoker, Options options, Timers timers) {
        Objects.requireNonNull(invoker, "invoker");
        Objects.requireNonNull(options, "options");
        try {
            return new LocalStepFunctions(invoker, options, timers);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the local Step Functions endpoint", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, for {@code endpointOverride} or {@code AWS_ENDPOINT_URL_SFN}. */
    public URI endpoint() {
        return server.endpoint();
    }

    public String region() {
        return options.region();
    }

    /**
     * Stops the endpoint and abandons running executions without recording anything: with a journal, they go on
     * when an engine starts again on the same directory, as after a crash. Closing again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (journals != null) {
            journals.close();
        }
        server.close();
        scheduler.shutdownNow();
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
