package dev.vidmeta.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** {@code vidmeta executions}: the pipeline's executions as a table. */
@Command(
        name = "executions",
        mixinStandardHelpOptions = true,
        description = "Lists the pipeline's executions, newest first: object key, status, start time, duration,"
                + " and for unsuccessful ones the state they ended in and its error.")
public final class ExecutionsCommand implements Callable<Integer> {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment;

    @Option(names = "--status", paramLabel = "STATUS", split = ",",
            description = "only these: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE"
                    + " (repeatable or comma-separated)")
    List<ExecutionStatus> statuses;

    @Option(names = "--since", paramLabel = "DURATION", converter = Durations.class,
            description = "only executions started this long ago or later, e.g. 30m, 24h, 7d (default: ${DEFAULT-VALUE})",
            defaultValue = "24h")
    Duration since;

    @Option(names = "--max", description = "at most this many (default: ${DEFAULT-VALUE})", defaultValue = "200")
    int max;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (DeploymentOptions closing = deployment) {
            SfnClient sfn = deployment.sfn();
            List<ExecutionListItem> items = Executions.list(sfn, deployment.stateMachineArn(), statuses,
                    Instant.now().minus(since), max);
            Table table = new Table(List.of("OBJECT KEY", "STATUS", "STARTED", "DURATION", "FAILED STATE", "ERROR",
                    "EXECUTION"), 60, 15, 20, 9, 30, 80, 80);
            for (ExecutionListItem item : items) {
                DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(item.executionArn()));
                Instant end = execution.stopDate() == null ? Instant.now() : execution.stopDate();
                String failedState = null;
                String error = null;
                if (execution.status() != ExecutionStatus.SUCCEEDED && execution.status() != ExecutionStatus.RUNNING) {
                    ExecutionHistory.Failure failure = ExecutionHistory.tail(sfn, item.executionArn(), 100).failure();
                    if (failure != null) {
                        failedState = failure.state();
                        error = failure.cause() == null ? failure.error() : failure.error() + ": " + failure.cause();
                    } else if (execution.error() != null) {
                        error = execution.error() + (execution.cause() == null ? "" : ": " + execution.cause());
                    }
                }
                table.add(Executions.objectKey(execution), execution.statusAsString(),
                        TIME.format(execution.startDate()),
                        Durations.format(Duration.between(execution.startDate(), end)), failedState, error,
                        execution.name());
            }
            if (table.isEmpty()) {
                spec.commandLine().getErr().println("no executions" + (statuses == null ? "" : " " + statuses)
                        + " started in the last " + Durations.format(since));
                spec.commandLine().getErr().flush();
                return 0;
            }
            table.print(out);
            return 0;
        }
    }
}
