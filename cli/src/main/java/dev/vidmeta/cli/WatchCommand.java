package dev.vidmeta.cli;

import dev.vidmeta.cli.ExecutionHistory.StateRun;
import dev.vidmeta.cli.console.StateStatuses.Status;
import dev.vidmeta.local.events.ObjectCreatedEvent;
import dev.vidmeta.record.ObjectRef;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@code vidmeta watch}: one execution's states live, or every execution's progress with {@code --all}.
 *
 * <p>On a terminal the view is redrawn in place with the cursor hidden; Ctrl-C (or any signal that runs the JVM's
 * shutdown hooks) shows the cursor again and leaves the last frame on screen. Elsewhere (a pipe, a CI log) it
 * prints one line per change instead.
 */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = "Live view of an execution: each state with its status and duration, until the execution"
                + " ends (exit 0 if it succeeded, 1 if not). With --all, every execution as it runs, until Ctrl-C.")
public final class WatchCommand implements Callable<Integer> {

    /** Exit status after Ctrl-C, as shells report SIGINT. */
    static final int INTERRUPTED = 130;

    /** How many running executions' states a plain {@code watch --all} reads per refresh, newest first. */
    static final int PLAIN_HISTORY_READS = 20;

    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment;

    @Parameters(arity = "0..1", paramLabel = "EXECUTION",
            description = "an execution ARN or name (default: the newest execution)")
    String execution;

    @Option(names = "--all", description = "every execution: running ones, and those started in the last --since")
    boolean all;

    @Option(names = "--since", paramLabel = "DURATION", converter = Durations.class, defaultValue = "10m",
            description = "with --all: also show executions started this long before the watch (default: ${DEFAULT-VALUE})")
    Duration since;

    @Option(names = "--interval", paramLabel = "DURATION", converter = Durations.class, defaultValue = "1s",
            description = "time between refreshes (default: ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--plain", description = "one line per change even on a terminal")
    boolean plain;

    @Option(names = "--ansi", hidden = true, description = "redraw in place even when output is not a terminal")
    boolean ansi;

    @Option(names = "--size", hidden = true, paramLabel = "COLUMNSxROWS", converter = SizeConverter.class,
            description = "with --all: frame for this terminal size instead of the real one")
    BurstView.Size size;

    private PrintWriter out;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        boolean live = ansi || !plain && Terminal.interactive();
        Thread restore = new Thread(() -> {
            out.print(Terminal.SHOW_CURSOR);
            out.println();
            out.flush();
        }, "vidmeta-watch-restore-terminal");
        if (live) {
            out.print(Terminal.HIDE_CURSOR);
            out.flush();
            Runtime.getRuntime().addShutdownHook(restore);
        }
        try (DeploymentOptions closing = deployment) {
            return all ? watchAll(live) : watchOne(live);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return INTERRUPTED;
        } finally {
            if (live) {
                try {
                    Runtime.getRuntime().removeShutdownHook(restore);
                    out.print(Terminal.SHOW_CURSOR);
                    out.flush();
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running or has run: it restores the cursor.
                }
            }
        }
    }

    private int watchOne(boolean live) throws InterruptedException {
        SfnClient sfn = deployment.sfn();
        String arn;
        if (execution != null) {
            arn = deployment.executionArn(execution);
        } else {
            List<ExecutionListItem> newest = Executions.list(sfn, deployment.stateMachineArn(), null, null, 1);
            if (newest.isEmpty()) {
                spec.commandLine().getErr().println("vidmeta watch: the state machine has no executions yet");
                spec.commandLine().getErr().flush();
                return 1;
            }
            arn = newest.getFirst().executionArn();
        }
        DescribeExecutionResponse first = sfn.describeExecution(b -> b.executionArn(arn));
        Map<String, Integer> order = ExecutionHistory.definitionStates(
                sfn.describeStateMachine(b -> b.stateMachineArn(first.stateMachineArn())).definition());
        ObjectRef object = ObjectCreatedEvent.objectOf(first.input());
        String key = Executions.objectKey(first.input());
        StatesView view = new StatesView(out, live);
        if (!live) {
            out.println("watching " + first.name() + (object == null ? "" : "  s3://" + object.bucket() + "/" + key));
        }
        while (true) {
            DescribeExecutionResponse now = sfn.describeExecution(b -> b.executionArn(arn));
            String status = now.statusAsString();
            List<StateRun> runs = ExecutionHistory.fetch(sfn, arn).states(order);
            Instant at = Instant.now();
            Duration elapsed = Duration.between(now.startDate(), now.stopDate() == null ? at : now.stopDate());
            view.show(now.name() + (object == null ? "" : "  " + key), status, elapsed, runs, at);
            if (now.status() != ExecutionStatus.RUNNING) {
                if (!live) {
                    out.println(StatesView.ending(status, elapsed));
                }
                out.flush();
                return now.status() == ExecutionStatus.SUCCEEDED ? 0 : 1;
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /**
     * Every execution that runs or started within {@code --since}; runs until interrupted (Ctrl-C). Live, a frame
     * that fits the terminal ({@link BurstView}); plain, a line per change of an execution's status or state.
     *
     * <p>What it reads per refresh: the executions, through every ListExecutions page; a DescribeExecution once per
     * execution it names; a closed execution's history once; and a running one's latest events only for the rows
     * on screen, or in plain mode for the {@value #PLAIN_HISTORY_READS} newest running ones. GetExecutionHistory is
     * throttled per account (Step Functions quotas, "API action throttling quotas"), so a burst of a thousand
     * running executions must not cost a thousand history reads a second.
     */
    private int watchAll(boolean live) throws InterruptedException {
        SfnClient sfn = deployment.sfn();
        String machine = deployment.stateMachineArn();
        Instant from = Instant.now().minus(since);
        Map<String, String> keys = new HashMap<>();
        Map<String, String> endings = new HashMap<>();
        Map<String, String> states = new HashMap<>();
        Map<String, String> printed = new HashMap<>();
        StatesView view = new StatesView(out, live);
        if (!live) {
            out.println("watching every execution of " + machine + " (Ctrl-C to stop)");
            out.flush();
        }
        Function<ExecutionListItem, String> keyOf = item -> keys.computeIfAbsent(item.executionArn(), a -> {
            String k = Executions.objectKey(sfn.describeExecution(b -> b.executionArn(a)));
            return k == null ? "-" : k;
        });
        Function<ExecutionListItem, String> whereOf = item -> item.status() == ExecutionStatus.RUNNING
                ? currentStates(sfn, item.executionArn())
                // A closed execution's history no longer changes: read it once, not on every tick.
                : endings.computeIfAbsent(item.executionArn(), a -> {
                    ExecutionHistory.Failure failure = ExecutionHistory.tail(sfn, a, 50).failure();
                    return failure == null ? "" : failure.state() + ": " + failure.error();
                });
        while (true) {
            Map<String, ExecutionListItem> rows = new LinkedHashMap<>();
            Executions.list(sfn, machine, null, from, Integer.MAX_VALUE).forEach(e -> rows.put(e.executionArn(), e));
            Executions.list(sfn, machine, List.of(ExecutionStatus.RUNNING), null, Integer.MAX_VALUE)
                    .forEach(e -> rows.putIfAbsent(e.executionArn(), e));
            List<ExecutionListItem> ordered = BurstView.ordered(rows.values());
            if (live) {
                view.redraw(BurstView.frame(ordered, BurstView.summary(rows.values(), from), keyOf, whereOf,
                        size != null ? size : Terminal.size(), Instant.now()));
            } else {
                int historyReads = 0;
                for (ExecutionListItem item : ordered) {
                    String where;
                    if (item.status() != ExecutionStatus.RUNNING) {
                        where = whereOf.apply(item);
                    } else if (historyReads++ < PLAIN_HISTORY_READS) {
                        where = states.merge(item.executionArn(), whereOf.apply(item), (old, now) -> now);
                    } else {
                        where = states.getOrDefault(item.executionArn(), "");
                    }
                    String status = item.statusAsString();
                    if (!(status + where).equals(printed.get(item.executionArn()))) {
                        printed.put(item.executionArn(), status + where);
                        out.println(String.format("%s  %-40s %-10s %s", StatesView.CLOCK.format(Instant.now()),
                                keyOf.apply(item), status, where).stripTrailing());
                    }
                }
                out.flush();
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /** The states in progress now, from the execution's latest events. */
    private static String currentStates(SfnClient sfn, String executionArn) {
        return ExecutionHistory.tail(sfn, executionArn, 50).states(Map.of()).stream()
                .filter(r -> r.status() == Status.IN_PROGRESS)
                .map(StateRun::name).collect(Collectors.joining(", "));
    }

    /** {@code --size 160x50}. */
    static final class SizeConverter implements ITypeConverter<BurstView.Size> {
        @Override
        public BurstView.Size convert(String value) {
            return BurstView.Size.parse(value);
        }
    }
}
