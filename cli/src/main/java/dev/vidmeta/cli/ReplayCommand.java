package dev.vidmeta.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionNotRedrivableException;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.SfnException;

/**
 * {@code vidmeta replay}: redrives unsuccessful executions, or restarts those that cannot be redriven.
 *
 * <p>Redrive eligibility, from "Redriving executions"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html): not SUCCEEDED (nor running),
 * closed within the last 14 days, fewer than 25,000 history events, and the service's own redriveStatus is not
 * NOT_REDRIVABLE. One more case is restarted instead: an execution that ended in a Fail state. Redrive resumes at
 * the unsuccessful step, which for a Fail state is the Fail state itself, so it would fail the same way; the
 * pipeline's Fail states ("Record Not Written", "Not An Object Event") come after the steps worth re-running.
 *
 * <p>Safe to run twice: a redriven execution is RUNNING (skipped) or has ended, and each redrive carries a client
 * token derived from the execution and its redrive count, so two concurrent replays redrive once. A restart uses a
 * name derived from the original ({@code <name>-r1}, then {@code -r2} for a replay of that), so an existing
 * replay is reported instead of started again.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Redrives each eligible unsuccessful execution (RedriveExecution); starts the others again"
                + " with their original input under a derived name. Reports what it did per execution; safe to"
                + " run twice.")
public final class ReplayCommand implements Callable<Integer> {

    static final Duration REDRIVE_PERIOD = Duration.ofDays(14);
    static final long MAX_REDRIVE_EVENTS = 25_000;
    static final int MAX_NAME = 80;
    private static final Pattern REPLAY_SUFFIX = Pattern.compile("(.+)-r(\\d{1,6})");

    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment;

    @Option(names = "--execution", paramLabel = "ARN", description = "this execution (ARN or name; repeatable)")
    List<String> executions;

    @Option(names = "--status", paramLabel = "STATUS", split = ",",
            description = "without --execution: executions with these statuses (default: FAILED)")
    List<ExecutionStatus> statuses;

    @Option(names = "--since", paramLabel = "DURATION", converter = Durations.class, defaultValue = "7d",
            description = "without --execution: started this long ago or later (default: ${DEFAULT-VALUE})")
    Duration since;

    @Option(names = "--max", defaultValue = "1000", description = "at most this many executions (default: ${DEFAULT-VALUE})")
    int max;

    @Option(names = "--dry-run", description = "say what would be done, do nothing")
    boolean dryRun;

    /** What replay did with one execution. */
    enum Action { REDRIVEN, STARTED, WOULD_REDRIVE, WOULD_START, SKIPPED, ERROR }

    record Outcome(String execution, Action action, String detail) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (DeploymentOptions closing = deployment) {
            SfnClient sfn = deployment.sfn();
            List<String> targets = new ArrayList<>();
            if (executions != null && !executions.isEmpty()) {
                executions.forEach(e -> targets.add(deployment.executionArn(e)));
            } else {
                List<ExecutionStatus> wanted = statuses == null || statuses.isEmpty() ? List.of(ExecutionStatus.FAILED)
                        : statuses;
                for (ExecutionListItem item : Executions.list(sfn, deployment.stateMachineArn(), wanted,
                        Instant.now().minus(since), max)) {
                    targets.add(item.executionArn());
                }
            }
            if (targets.isEmpty()) {
                err.println("vidmeta replay: nothing to replay");
                err.flush();
                return 0;
            }
            Terminal.Progress progress = targets.size() > 10
                    ? new Terminal.Progress(err, Terminal.interactive(), targets.size()) : null;
            Map<Action, Integer> counts = new EnumMap<>(Action.class);
            List<Outcome> outcomes = new ArrayList<>();
            for (String arn : targets) {
                Outcome outcome = replay(sfn, arn);
                outcomes.add(outcome);
                counts.merge(outcome.action(), 1, Integer::sum);
                if (progress != null) {
                    progress.step(Terminal.Progress.summary(counts));
                } else {
                    print(out, outcome);
                }
            }
            if (progress != null) {
                outcomes.forEach(o -> print(out, o));
            }
            out.println((dryRun ? "dry run: " : "") + Terminal.Progress.summary(counts));
            out.flush();
            return counts.containsKey(Action.ERROR) ? 1 : 0;
        }
    }

    private static void print(PrintWriter out, Outcome o) {
        out.println(String.format("%-13s %s  %s", o.action(), name(o.execution()), o.detail()));
        out.flush();
    }


    Outcome replay(SfnClient sfn, String arn) {
        DescribeExecutionResponse execution;
        try {
            execution = sfn.describeExecution(b -> b.executionArn(arn));
        } catch (ExecutionDoesNotExistException e) {
            return new Outcome(arn, Action.ERROR, "no such execution");
        } catch (SfnException e) {
            return new Outcome(arn, Action.ERROR, e.awsErrorDetails().errorMessage());
        }
        switch (execution.status()) {
            case SUCCEEDED -> {
                return new Outcome(arn, Action.SKIPPED, "succeeded");
            }
            case RUNNING -> {
                return new Outcome(arn, Action.SKIPPED, "running" + (execution.redriveCount() != null
                        && execution.redriveCount() > 0 ? " (redrive " + execution.redriveCount() + ")" : ""));
            }
            case PENDING_REDRIVE -> {
                return new Outcome(arn, Action.SKIPPED, "a redrive is pending");
            }
            default -> {
                // FAILED, TIMED_OUT, ABORTED
            }
        }
        String notRedrivable = notRedrivableReason(sfn, execution);
        try {
            return notRedrivable == null ? redrive(sfn, execution) : restart(sfn, execution, notRedrivable);
        } catch (SfnException e) {
            return new Outcome(arn, Action.ERROR, e.awsErrorDetails() == null ? e.getMessage()
                    : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
        }
    }

    /** Why RedriveExecution cannot (or should not) help this unsuccessful execution; null when it can. */
    private static String notRedrivableReason(SfnClient sfn, DescribeExecutionResponse execution) {
        if (execution.redriveStatus() == ExecutionRedriveStatus.NOT_REDRIVABLE) {
            return "not redrivable: " + execution.redriveStatusReason();
        }
        if (execution.stopDate() != null && execution.stopDate().isBefore(Instant.now().minus(REDRIVE_PERIOD))) {
            return "closed more than 14 days ago";
        }
        ExecutionHistory tail = ExecutionHistory.tail(sfn, execution.executionArn(), 20);
        if (tail.lastEventId() >= MAX_REDRIVE_EVENTS) {
            return tail.lastEventId() + " history events (redrive needs fewer than 25,000)";
        }
        String failState = tail.endedInFailState();
        if (failState != null) {
            return "ended in the Fail state \"" + failState + "\", which a redrive would re-enter";
        }
        return null;
    }

    private Outcome redrive(SfnClient sfn, DescribeExecutionResponse execution) {
        String arn = execution.executionArn();
        int count = execution.redriveCount() == null ? 0 : execution.redriveCount();
        if (dryRun) {
            return new Outcome(arn, Action.WOULD_REDRIVE, execution.statusAsString() + ", redrive " + (count + 1));
        }
        try {
            sfn.redriveExecution(b -> b.executionArn(arn).clientToken(redriveToken(arn, count)));
        } catch (ExecutionNotRedrivableException e) {
            return new Outcome(arn, Action.SKIPPED, "not redrivable: " + e.awsErrorDetails().errorMessage());
        }
        return new Outcome(arn, Action.REDRIVEN, "was " + execution.statusAsString() + "; redrive " + (count + 1));
    }

    private Outcome restart(SfnClient sfn, DescribeExecutionResponse execution, String why) {
        String arn = execution.executionArn();
        String name = replayName(execution.name());
        String replayArn = arn.substring(0, arn.length() - execution.name().length()) + name;
        try {
            DescribeExecutionResponse existing = sfn.describeExecution(b -> b.executionArn(replayArn));
            return new Outcome(arn, Action.SKIPPED, "already replayed as " + name + " (" + existing.statusAsString() + ")");
        } catch (ExecutionDoesNotExistException e) {
            // Not replayed yet.
        }
        if (execution.input() == null) {
            return new Outcome(arn, Action.ERROR, why + "; and its input is not available to start it again");
        }
        if (dryRun) {
            return new Outcome(arn, Action.WOULD_START, name + " (" + why + ")");
        }
        try {
            sfn.startExecution(b -> b.stateMachineArn(execution.stateMachineArn()).name(name).input(execution.input()));
        } catch (ExecutionAlreadyExistsException e) {
            return new Outcome(arn, Action.SKIPPED, "already replayed as " + name);
        }
        return new Outcome(arn, Action.STARTED, name + " (" + why + ")");
    }

    /**
     * {@code <name>-r1} for an original, {@code <base>-r<n+1>} for a replay; at most 80 characters, shortened
     * with a hash of what was cut so different long names stay different.
     */
    static String replayName(String name) {
        Matcher m = REPLAY_SUFFIX.matcher(name);
        String base = m.matches() ? m.group(1) : name;
        int next = m.matches() ? Integer.parseInt(m.group(2)) + 1 : 1;
        String suffix = "-r" + next;
        if (base.length() + suffix.length() > MAX_NAME) {
            base = base.substring(0, MAX_NAME - suffix.length() - 9) + "-" + sha256(base).substring(0, 8);
        }
        return base + suffix;
    }

    /** RedriveExecution's idempotency token: the same for one execution's same redrive, at most 64 characters. */
    static String redriveToken(String executionArn, int redriveCount) {
        return "vidmeta-replay-" + sha256(executionArn + "#" + redriveCount).substring(0, 40);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String name(String arn) {
        return arn.substring(arn.lastIndexOf(':') + 1);
    }
}
