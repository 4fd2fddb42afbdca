package dev.vidmeta.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vidmeta.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lambda's asynchronous event queue, kept in a state directory, outlives the process: "Lambda places the event in
 * a queue and returns a success response" ("Invoking a Lambda function asynchronously",
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html), and an event may reach the function more
 * than once ("How Lambda handles errors and retries with asynchronous invocation",
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html), so an invocation a crash cut
 * off runs again.
 */
class LocalLambdaAsyncRestartTest {

    @TempDir
    Path stateDir;

    /** The event is forgotten just after the function returns or the record is sent: wait for that moment. */
    private void awaitNothingKept() {
        Await.until("the event to be done with", Duration.ofSeconds(30), () -> {
            try (Stream<Path> files = Files.list(stateDir.resolve("async-events"))) {
                return files.filter(f -> f.toString().endsWith(".json")).count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, kept -> kept == 0);
    }

    @Test
    void eventCutOffByTheShutdown_shouldRunAgain_inTheNextRunOnTheSameDirectory() throws Exception {
        // GIVEN an accepted event whose function is still running when the process stops
        var running = new CountDownLatch(1);
        try (LocalLambda first = LocalLambda.create()) {
            first.keepAsyncEventsIn(stateDir);
            first.register("callback", env -> (RequestStreamHandler) (in, out, ctx) -> {
                running.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, Map.of());
            first.invokeAsync("callback", "{\"n\": 1}");
            running.await();
        }

        // WHEN the next run deploys the function and resumes
        List<String> received = new CopyOnWriteArrayList<>();
        try (LocalLambda next = LocalLambda.create()) {
            next.keepAsyncEventsIn(stateDir);
            next.register("callback", env -> (RequestStreamHandler) (in, out, ctx) ->
                    received.add(new String(in.readAllBytes(), StandardCharsets.UTF_8)), Map.of());
            int resumed = next.resumeAsyncEvents();

            // THEN the event runs again, with its payload
            assertThat(resumed).isEqualTo(1);
            Await.until("the event to run again", Duration.ofSeconds(30), () -> List.copyOf(received),
                    r -> !r.isEmpty());
            assertThat(received).containsExactly("{\"n\": 1}");
            awaitNothingKept();
        }
        // AND, having succeeded, it is done with: a third run has nothing to resume
        try (LocalLambda third = LocalLambda.create()) {
            third.keepAsyncEventsIn(stateDir);
            assertThat(third.resumeAsyncEvents()).isZero();
        }
    }

    @Test
    void eventThatWentToItsDestination_shouldNotRunAgain_inTheNextRun() throws Exception {
        // GIVEN an event that failed every attempt and went to its on-failure destination
        List<String> sent = new CopyOnWriteArrayList<>();
        try (LocalLambda first = LocalLambda.create()) {
            first.keepAsyncEventsIn(stateDir);
            first.asyncRetryDelays(LocalLambda.AsyncRetryDelays.fast());
            first.destinations((arn, record) -> sent.add(record));
            first.putFunctionEventInvokeConfig("failing", new LocalLambda.EventInvokeConfig(0, Duration.ofHours(1),
                    "arn:aws:sqs:us-east-1:000000000000:failed"));
            first.register("failing", env -> (RequestStreamHandler) (in, out, ctx) -> {
                throw new IllegalStateException("cannot handle it");
            }, Map.of());
            first.invokeAsync("failing", "{\"n\": 2}");
            Await.until("the on-failure record", Duration.ofSeconds(30), () -> List.copyOf(sent), s -> !s.isEmpty());
            awaitNothingKept();
        }

        // WHEN / THEN the next run has nothing to resume
        try (LocalLambda next = LocalLambda.create()) {
            next.keepAsyncEventsIn(stateDir);
            assertThat(next.resumeAsyncEvents()).isZero();
        }
    }
}
