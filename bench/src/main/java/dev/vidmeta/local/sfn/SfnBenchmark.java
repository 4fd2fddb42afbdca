package dev.vidmeta.local.sfn;

import dev.vidmeta.local.LocalAws;
import dev.vidmeta.testing.SfnExecutions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Benchmark (not a test) of the local Step Functions, printing:
 * <ol>
 *   <li>start-up time of {@link LocalStepFunctions};</li>
 *   <li>per-transition overhead: one execution looping Pass+Choice (each state evaluating JSONata) for 2,000
 *       transitions, timed by the execution's own start and stop dates; goal at most 5 ms per transition;</li>
 *   <li>1,000 concurrent executions of a 10-state definition (Tasks, Choice, Parallel, a real 1 s Wait),
 *       started through SfnClient; goal: all succeed.</li>
 * </ol>
 * Run: {@code bench/run-bench dev.vidmeta.local.sfn.SfnBenchmark [concurrent-executions]} (README.md,
 * "Benchmarks"). It lives in bench/, in the package of the test helpers it borrows from local's tests
 * ({@code TestFunctions}, {@code SfnHarness}), because a benchmark is never a test (STYLE #6).
 */
public final class SfnBenchmark {

    private SfnBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int concurrent = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        TestFunctions functions = new TestFunctions().define("echo", payload -> payload);
        long t0 = System.nanoTime();
        LocalStepFunctions sfn = LocalStepFunctions.start(functions, LocalStepFunctions.Options.defaults());
        System.out.printf("start-up: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
        try (sfn; SfnClient client = SfnClient.builder().endpointOverride(sfn.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("b", "b")))
                .httpClient(ApacheHttpClient.builder().maxConnections(64).build()).build()) {
            perTransition(client);
            concurrentExecutions(client, concurrent);
        }
    }

    private static void perTransition(SfnClient client) {
        String machine = create(client, "loop", "bench-loop.asl.json");
        int limit = 1000;
        for (int round = 0; round < 3; round++) {
            // Rounds 1-2 warm up the JIT and the expression cache; the last one is reported.
            String arn = client.startExecution(b -> b.stateMachineArn(machine)
                    .input("{\"n\":0,\"limit\":" + limit + "}")).executionArn();
            DescribeExecutionResponse d = SfnExecutions.awaitClosed(client, arn, Duration.ofMinutes(2));
            long transitions = 2L * limit + 1;
            double ms = Duration.between(d.startDate(), d.stopDate()).toNanos() / 1e6;
            System.out.printf("round %d: %s, %d transitions in %.0f ms = %.3f ms per transition%n", round + 1,
                    d.status(), transitions, ms, ms / transitions);
        }
    }

    private static void concurrentExecutions(SfnClient client, int count) throws Exception {
        String machine = create(client, "ten", "bench-ten-states.asl.json");
        long t0 = System.nanoTime();
        List<String> arns = new ArrayList<>();
        try (ExecutorService starters = Executors.newFixedThreadPool(32)) {
            List<Future<String>> started = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String input = "{\"key\":\"in/video-" + i + ".mp4\"}";
                started.add(starters.submit(() -> client.startExecution(b -> b.stateMachineArn(machine)
                        .input(input)).executionArn()));
            }
            for (Future<String> f : started) {
                arns.add(f.get());
            }
        }
        double startMs = (System.nanoTime() - t0) / 1e6;
        int succeeded = 0;
        int other = 0;
        for (String arn : arns) {
            DescribeExecutionResponse d = SfnExecutions.awaitClosed(client, arn, Duration.ofMinutes(5));
            if (d.status() == ExecutionStatus.SUCCEEDED) {
                succeeded++;
            } else {
                other++;
                System.out.println("not succeeded: " + arn + " " + d.status() + " " + d.error() + " " + d.cause());
            }
        }
        double totalMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf("%d concurrent executions of a 10-state definition (with a 1 s Wait): started in %.0f ms,"
                + " all finished in %.0f ms; succeeded %d, not succeeded %d%n", count, startMs, totalMs, succeeded,
                other);
    }

    private static String create(SfnClient client, String name, String resource) {
        return client.createStateMachine(b -> b.name("bench-" + name).roleArn(LocalAws.roleArn("b"))
                .definition(SfnHarness.resource(resource))).stateMachineArn();
    }
}
