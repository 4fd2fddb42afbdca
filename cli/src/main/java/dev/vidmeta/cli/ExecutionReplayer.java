package dev.vidmeta.cli;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionNotRedrivableException;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Replays one execution, for {@code vidmeta replay} and the local console's Replay button: RedriveExecution
 * when the service says the execution is redrivable (not SUCCEEDED, closed less than 14 days ago, under
 * 25,000 history events: its {@code redriveStatus}); otherwise a new execution with the original input under a
 * name derived from the original's, so that replaying twice starts nothing new.
 *
 * <p>Works against AWS or the local runtime alike: it only calls the Step Functions API.
 */
public final class ExecutionReplayer {

    /** What a replay did. */
    public enum Action { REDRIVEN, RESTARTED, ALREADY_REPLAYED, NOTHING_TO_DO }

    /**
     * @param executionArn the execution now running the replay (the same ARN when redriven); null when nothing ran
     * @param detail a sentence for the operator: why, or why not
     */
    public record Outcome(String sourceArn, Action action, String executionArn, String detail) { }

    static final int MAX_NAME = 80;
    static final String SUFFIX = "-replay";

    private final SfnClient sfn;

    public ExecutionReplayer(SfnClient sfn) {
        this.sfn = sfn;
    }

    public Outcome replay(String executionArn) {
        DescribeExecutionResponse execution = sfn.describeExecution(b -> b.executionArn(executionArn));
        if (execution.status() == ExecutionStatus.SUCCEEDED) {
            return new Outcome(executionArn, Action.NOTHING_TO_DO, null, "execution SUCCEEDED; nothing to replay");
        }
        if (execution.status() == ExecutionStatus.RUNNING || execution.status() == ExecutionStatus.PENDING_REDRIVE) {
            return new Outcome(executionArn, Action.NOTHING_TO_DO, executionArn,
                    "execution is " + execution.statusAsString() + "; nothing to replay yet");
        }
        String notRedrivable = execution.redriveStatusReason();
        if (execution.redriveStatus() == ExecutionRedriveStatus.REDRIVABLE) {
            try {
                // The client token makes a retried request (a lost response) redrive once, not twice.
                sfn.redriveExecution(b -> b.executionArn(executionArn)
                        .clientToken("replay-" + execution.redriveCount() + "-" + shortHash(executionArn)));
                return new Outcome(executionArn, Action.REDRIVEN, executionArn,
                        "redriven from the states that failed (redrive " + (execution.redriveCount() + 1) + ")");
            } catch (ExecutionNotRedrivableException e) {
                notRedrivable = e.awsErrorDetails().errorMessage();
            }
        }
        return restart(execution, notRedrivable);
    }

    private Outcome restart(DescribeExecutionResponse execution, String whyNotRedriven) {
        String name = derivedName(execution.name());
        String machine = execution.stateMachineArn();
        String newArn = execution.executionArn().substring(0, execution.executionArn().lastIndexOf(':') + 1) + name;
        try {
            newArn = sfn.startExecution(b -> b.stateMachineArn(machine).name(name).input(execution.input()))
                    .executionArn();
        } catch (ExecutionAlreadyExistsException e) {
            return new Outcome(execution.executionArn(), Action.ALREADY_REPLAYED, newArn,
                    "already replayed as " + name);
        }
        return new Outcome(execution.executionArn(), Action.RESTARTED, newArn,
                "not redrivable (" + (whyNotRedriven == null ? "no reason given" : whyNotRedriven)
                        + "); started " + name + " with the original input");
    }

    /**
     * {@code <name>-replay}, within the 80-character limit: a long name is cut and keeps a hash of the whole,
     * so two long names sharing a prefix do not collide.
     */
    static String derivedName(String name) {
        String plain = name + SUFFIX;
        if (plain.length() <= MAX_NAME) {
            return plain;
        }
        String hash = shortHash(name);
        return name.substring(0, MAX_NAME - SUFFIX.length() - hash.length() - 1) + "-" + hash + SUFFIX;
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
