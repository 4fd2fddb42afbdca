package dev.vidmeta.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vidmeta callbacks list|redeliver}: the Rekognition notifications the callback function failed to handle
 * after Lambda's retries, from its on-failure queue (terraform/callback_failures.tf; locally, the local SQS).
 */
@Command(
        name = "callbacks",
        mixinStandardHelpOptions = true,
        description = "Lists and re-delivers the Rekognition callbacks that failed after Lambda's retries"
                + " (the callback function's on-failure SQS queue).",
        subcommands = {CallbacksCommand.ListCommand.class, CallbacksCommand.RedeliverCommand.class})
public final class CallbacksCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** What both subcommands take. */
    static final class QueueOptions {
        @Mixin
        DeploymentOptions deployment;

        @Option(names = "--queue-url", paramLabel = "URL", description = "the on-failure queue (default: $"
                + DeploymentOptions.CALLBACK_QUEUE_ENV + ", else terraform output callback_failure_queue_url)")
        String queueUrl;

        @Option(names = "--max", paramLabel = "N", defaultValue = "1000",
                description = "at most this many messages (default: ${DEFAULT-VALUE})")
        int max;

        FailedCallbacks open() {
            return new FailedCallbacks(deployment.sqs(), deployment.lambda(),
                    deployment.callbackFailureQueueUrl(queueUrl));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the failed callbacks; they stay in the queue.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:listed (or none)", "1:AWS error", "2:usage error"})
    static final class ListCommand implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec
        CommandSpec spec;

        @Mixin
        QueueOptions queue;

        @Option(names = "--json", description = "print Lambda's on-failure records as they are, one per line")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (DeploymentOptions closing = queue.deployment) {
                List<FailedCallbacks.FailedCallback> failed = queue.open().list(queue.max);
                if (json) {
                    for (var callback : failed) {
                        out.println(JSON.readTree(callback.recordJson()).toString());
                    }
                } else {
                    var table = new Table(List.of("MESSAGE ID", "FAILED AT", "ATTEMPTS", "JOB ID", "JOB STATUS", "VIDEO",
                            "ERROR"), 36, 30, 8, 64, 10, 60, 120);
                    failed.forEach(c -> table.add(c.messageId(), c.failedAt(), String.valueOf(c.attempts()), c.jobId(),
                            c.jobStatus(), c.video(), c.error()));
                    table.print(out);
                    out.println(failed.size() + " failed callback" + (failed.size() == 1 ? "" : "s")
                            + (failed.isEmpty() ? "" : "; re-deliver with: vidmeta callbacks redeliver"));
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "redeliver", mixinStandardHelpOptions = true,
            description = "Invokes the callback function again with each failed callback's original event;"
                    + " deletes a message only once its invocation succeeded.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every message re-delivered (or none)", "1:AWS error, or a callback failed again",
                "2:usage error"})
    static final class RedeliverCommand implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        QueueOptions queue;

        @Option(names = "--dry-run", description = "list what would be re-delivered, change nothing")
        boolean dryRun;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (DeploymentOptions closing = queue.deployment) {
                List<FailedCallbacks.Outcome> outcomes = queue.open().redeliver(queue.max, dryRun);
                Map<FailedCallbacks.Action, Integer> counts = new EnumMap<>(FailedCallbacks.Action.class);
                for (var outcome : outcomes) {
                    var c = outcome.callback();
                    out.printf("%-15s %s  job %s (%s)  %s%n", outcome.action(), c.messageId(), c.jobId(),
                            c.video(), outcome.detail());
                    counts.merge(outcome.action(), 1, Integer::sum);
                }
                out.println(outcomes.isEmpty() ? "no failed callbacks" : counts.entrySet().stream()
                        .map(e -> e.getKey().name().toLowerCase().replace('_', ' ') + " " + e.getValue())
                        .reduce((a, b) -> a + ", " + b).orElse(""));
                out.flush();
                boolean allDone = outcomes.stream().allMatch(o -> o.action() == FailedCallbacks.Action.REDELIVERED
                        || o.action() == FailedCallbacks.Action.WOULD_REDELIVER);
                return allDone ? 0 : VidmetaCommand.AWS_ERROR;
            }
        }
    }
}
