package dev.vidmeta.cli;

import dev.vidmeta.local.WorkDirLock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** The {@code vidmeta} command. Run it through the {@code ./vidmeta} launcher at the repository root. */
@Command(
        name = "vidmeta",
        mixinStandardHelpOptions = true,
        version = "vidmeta 0.1.0-SNAPSHOT",
        description = "Video metadata pipeline for AWS: MediaInfo and Rekognition Video into one DynamoDB record.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, ProbeCommand.class, LocalCommand.class,
            ExecutionsCommand.class, WatchCommand.class, HistoryCommand.class, ReplayCommand.class,
            BackfillCommand.class, RecordCommand.class, RecordsCommand.class, CallbacksCommand.class},
        footer = {"", "The launcher also runs the test suite: ./vidmeta test  (mvn verify with a JDK 21+)."})
public final class VidmetaCommand implements Runnable {

    /** Exit status when AWS (or the local runtime) refused or could not be reached. */
    static final int AWS_ERROR = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with vidmeta's error handling: a missing setting, an AWS error or an unreachable endpoint
     * is one line on stderr naming the command, not a stack trace.
     */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new VidmetaCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String command = commandLine.getCommandSpec().qualifiedName(" ");
            if (e instanceof DeploymentOptions.MissingSettingException) {
                commandLine.getErr().println(command + ": " + e.getMessage());
                commandLine.getErr().flush();
                return CommandLine.ExitCode.USAGE;
            }
            if (e instanceof WorkDirLock.InUseException) {
                commandLine.getErr().println(command + ": " + e.getMessage());
                commandLine.getErr().flush();
                return CommandLine.ExitCode.SOFTWARE;
            }
            if (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
                commandLine.getErr().println(command + ": " + aws.awsErrorDetails().errorCode() + ": "
                        + aws.awsErrorDetails().errorMessage());
                commandLine.getErr().flush();
                return AWS_ERROR;
            }
            if (e instanceof SdkException) {
                commandLine.getErr().println(command + ": " + e.getMessage());
                commandLine.getErr().flush();
                return AWS_ERROR;
            }
            throw e;
        });
        return cli;
    }
}
