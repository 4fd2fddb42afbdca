package dev.vidmeta.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionNotRedrivableException;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;

/**
 * Replays one execution, for {@code vidmeta replay} and the local console's Replay button: RedriveExecution when
 * it can resume the execution, otherwise a new execution with the original input under a name derived from the
 * original's. Only calls the Step Functions API, so it works against AWS and the local runtime alike.
 *
 * <p>Redrive eligibility, from "Redriving executions"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html): not SUCCEEDED (nor running),
 * closed within the last 14 days, fewer than 25,000 history events, and the service's own {@code redriveStatus}
 * not NOT_REDRIVABLE. One more case is restarted instead: an execution that ended in a Fail state. Redrive resumes
 * at the unsuccessful step, which for a Fail state is the Fail state itself, so it would fail the same way; the
 * pipeline's Fail states ("Record Not Written", "Not An Object Event") come after the steps worth re-running.
 *
 * <p>Safe to repeat: a redriven execution is RUNNING or has ended (and each redrive carries a client token derived
 * from the execution and its redrive count, so two concurrent replays redrive once); a restart uses a derived name
 * ({@code <name>-r1}), so an existing replay is reported, not started again. A restarted copy counts as the replay
 * of its original, whatever its own outcome: it is never replayed itself, so a copy that failed again (say in the
 * same Fail state) does not become {@code -r2}, {@code -r3}, ... on every run.
 */
public final class ExecutionReplayer {

    /** What a replay did, or (dry run) would do. */
    public enum Action { REDRIVEN, RESTARTED, WOULD_REDRIVE, WOULD_RESTART, ALREADY_REPLAYED, NOTHING_TO_DO }

    /**
     * @param executionArn the execution running the replay (the same ARN when redriven); null when nothing ran
     * @param detail a sentence for the operator: why, or why not
     */
    public record Outcome(String sourceArn, Action action, String executionArn, String detail) { }

    static final Duration REDRIVE_PERIOD = Duration.ofDays(14);
    static final long MAX_REDRIVE_EVENTS = 25_000;
    static final int MAX_NAME = 80;
    private static final Pattern REPLAY_SUFFIX = Pattern.compile("(.+)-r(\\d{1,6})");
    /** What {@link #derivedName} makes of a name too long to keep whole: 68 characters, a hash, the suffix. */
    private static final Pattern HASHED_REPLAY_NAME = Pattern.compile(".{" + (MAX_NAME - 12) + "}-[0-9a-f]{8}-r\\d");

    private final SfnClient sfn;

    public ExecutionReplayer(SfnClient sfn) {
        this.sfn = sfn;
    }

    /** Replays the execution; throws the service's exception when it does not exist or the call fails. */
    public Outcome replay(String executionArn) {
        return replay(executionArn, false);
    }

    /** What {@link #replay} would do, doing nothing. */
    public Outcome plan(String executionArn) {
        return replay(executionArn, true);
    }

    private Outcome replay(String executionArn, boolean dryRun) {
        DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(executionArn));
        String original = originalOf(execution);
        if (original != null) {
            return new Outcome(executionArn, Action.NOTHING_TO_DO, executionArn, "is the replay of " + original
                    + " (" + execution.statusAsString() + "); a replay is not replayed again");
        }
        switch (execution.status()) {
            case SUCCEEDED -> {
                return new Outcome(executionArn, Action.NOTHING_TO_DO, null, "execution SUCCEEDED; nothing to replay");
            }
            case RUNNING, PENDING_REDRIVE -> {
                return new Outcome(executionArn, Action.NOTHING_TO_DO, executionArn, "execution is "
                        + execution.statusAsString() + "; nothing to replay yet");
            }
            default -> {
                // FAILED, TIMED_OUT, ABORTED: replayable
            }
        }
        String notRedrivable = notRedrivableReason(execution);
        if (notRedrivable == null) {
            int count = execution.redriveCount() == null ? 0 : execution.redriveCount();
            if (dryRun) {
                return new Outcome(executionArn, Action.WOULD_REDRIVE, executionArn, "was "
                        + execution.statusAsString() + "; would redrive from the states that failed (redrive "
                        + (count + 1) + ")");
            }
            try {
                sfn.redriveExecution(b -> b.executionArn(executionArn).clientToken(redriveToken(executionArn, count)));
                return new Outcome(executionArn, Action.REDRIVEN, executionArn, "was " + execution.statusAsString()
                        + "; redriven from the states that failed (redrive " + (count + 1) + ")");
            } catch (ExecutionNotRedrivableException e) {
                notRedrivable = "not redrivable: " + e.awsErrorDetails().errorMessage();
            }
        }
        return restart(execution, notRedrivable, dryRun);
    }

    /** Why RedriveExecution cannot (or should not) help this unsuccessful execution; null when it can. */
    private String notRedrivableReason(DescribeExecutionResponse execution) {
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

    private Outcome restart(DescribeExecutionResponse execution, String why, boolean dryRun) {
        String source = execution.executionArn();
        String name = derivedName(execution.name());
        String replayArn = source.substring(0, source.lastIndexOf(':') + 1) + name;
        try {
            DescribeExecutionResponse existing = sfn.describeExecution(b -> b.executionArn(replayArn));
            return new Outcome(source, Action.ALREADY_REPLAYED, replayArn, "already replayed as " + name + " ("
                    + existing.statusAsString() + ")");
        } catch (ExecutionDoesNotExistException e) {
            // Not replayed yet.
        }
        if (execution.input() == null) {
            return new Outcome(source, Action.NOTHING_TO_DO, null, why + "; its input is not available to start"
                    + " it again");
        }
        if (dryRun) {
            return new Outcome(source, Action.WOULD_RESTART, replayArn, why + "; would start " + name
                    + " with the original input");
        }
        try {
            sfn.startExecution(b -> b.stateMachineArn(execution.stateMachineArn()).name(name).input(execution.input()));
        } catch (ExecutionAlreadyExistsException e) {
            return new Outcome(source, Action.ALREADY_REPLAYED, replayArn, "already replayed as " + name);
        }
        return new Outcome(source, Action.RESTARTED, replayArn, why + "; started " + name
                + " with the original input");
    }

    /**
     * The name of the execution this one restarted, or null when it is an original. A restart is named
     * {@code <original>-r1} (earlier versions also made {@code -r2}, {@code -r3} of restarts), so a name with
     * that suffix is a copy when the execution it names exists with the same input; a name cut and hashed by
     * {@link #derivedName} cannot be traced back, and its shape alone (80 characters, 8 hex digits, the suffix)
     * marks it, a shape only this class gives names.
     */
    private String originalOf(DescribeExecutionResponse execution) {
        Matcher m = REPLAY_SUFFIX.matcher(execution.name());
        if (!m.matches()) {
            return null;
        }
        if (HASHED_REPLAY_NAME.matcher(execution.name()).matches()) {
            return "an execution whose name was too long to repeat";
        }
        String arn = execution.executionArn();
        String originalArn = arn.substring(0, arn.lastIndexOf(':') + 1) + m.group(1);
        try {
            DescribeExecutionResponse original = sfn.describeExecution(b -> b.executionArn(originalArn));
            return Objects.equals(original.input(), execution.input()) ? original.name() : null;
        } catch (ExecutionDoesNotExistException e) {
            return null;
        }
    }

    /**
     * {@code <name>-r1}: at most 80 characters, a long name cut and given a hash of the whole so that long names
     * sharing a prefix stay apart. Only originals are restarted, so there is no {@code -r2}.
     */
    static String derivedName(String name) {
        String suffix = "-r1";
        String base = name;
        if (base.length() + suffix.length() > MAX_NAME) {
            base = base.substring(0, MAX_NAME - suffix.length() - 9) + "-" + sha256(base).substring(0, 8);
        }
        return base + suffix;
    }

    /** RedriveExecution's idempotency token: the same for one redrive of one execution, at most 64 characters. */
    static String redriveToken(String executionArn, int redriveCount) {
        return "vidmeta-replay-" + sha256(executionArn + "#" + redriveCount).substring(0, 40);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
