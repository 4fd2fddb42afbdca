package dev.vidmeta.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.SfnException;

/**
 * {@code vidmeta replay}: replays unsuccessful executions with {@link ExecutionReplayer} (redrive where it can
 * resume them, else a new execution under a derived name), one line per execution, a progress bar for many.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Redrives each eligible unsuccessful execution (RedriveExecution); starts the others again"
                + " with their original input under a derived name. Reports what it did per execution; safe to"
                + " run twice.")
public final class ReplayCommand implements Callable<Integer> {

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

    /** A replay's outcome as reported; ERROR when the service refused or the execution does not exist. */
    enum Reported { REDRIVEN, RESTARTED, WOULD_REDRIVE, WOULD_RESTART, ALREADY_REPLAYED, NOTHING_TO_DO, ERROR }

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
            ExecutionReplayer replayer = new ExecutionReplayer(sfn);
            Terminal.Progress progress = targets.size() > 10
                    ? new Terminal.Progress(err, Terminal.interactive(), targets.size()) : null;
            Map<Reported, Integer> counts = new EnumMap<>(Reported.class);
            List<String> lines = new ArrayList<>();
            for (String arn : targets) {
                Reported reported;
                String detail;
                try {
                    ExecutionReplayer.Outcome outcome = dryRun ? replayer.plan(arn) : replayer.replay(arn);
                    reported = Reported.valueOf(outcome.action().name());
                    detail = outcome.detail();
                } catch (SfnException e) {
                    reported = Reported.ERROR;
                    detail = e.awsErrorDetails() == null ? e.getMessage()
                            : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
                }
                counts.merge(reported, 1, Integer::sum);
                String line = String.format("%-16s %s  %s", reported, arn.substring(arn.lastIndexOf(':') + 1), detail);
                if (progress != null) {
                    lines.add(line);
                    progress.step(Terminal.Progress.summary(counts));
                } else {
                    out.println(line);
                    out.flush();
                }
            }
            lines.forEach(out::println);
            out.println((dryRun ? "dry run: " : "") + Terminal.Progress.summary(counts));
            out.flush();
            return counts.containsKey(Reported.ERROR) ? 1 : 0;
        }
    }
}
