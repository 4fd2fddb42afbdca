package dev.vidmeta.cli;

import dev.vidmeta.local.WorkDirLock;
import dev.vidmeta.local.dynamodb.LocalDynamoDb;
import java.util.List;
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
        footer = {"", "The launcher also runs the test suite: ./vidmeta test  (mvn verify with a JDK 21+)."})
public final class VidmetaCommand implements Runnable {

    /** Exit status when AWS (or the local runtime) refused or could not be reached. */
    static final int AWS_ERROR = 1;

    /** The subcommands, in the order the help lists them. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(CommandLine.HelpCommand.class, DemoCommand.class,
            ProbeCommand.class, LocalCommand.class, ExecutionsCommand.class, WatchCommand.class, HistoryCommand.class,
            ReplayCommand.class, BackfillCommand.class, RecordCommand.class, RecordsCommand.class,
            CallbacksCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // picocli looks for Groovy closures in annotations (Class.forName("groovy.lang.Closure")) unless told not
        // to: no jar has that class, so the lookup opens every jar of the class path, at every start.
        System.setProperty("picocli.disable.closures", "true");
        if (args.length > 0 && (args[0].equals("local") || args[0].equals("demo"))) {
            // The commands that start the local runtime: the two longest parts of its start-up that need no
            // option begin now, beside picocli's building of the command line (a fifth of a second).
            LocalDynamoDb.prestart();
            LoggingStart.begin();
        }
        System.exit(commandLine(args.length > 0 ? args[0] : null).execute(args));
    }

    /** The whole command line: every subcommand. */
    static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command line with vidmeta's error handling: a missing setting, an AWS error or an unreachable endpoint
     * is one line on stderr naming the command, not a stack trace.
     *
     * <p>When {@code first}, the first argument, names a subcommand, only that one is built: picocli builds each
     * subcommand's model eagerly, instances and options included, and all twelve of them cost about 0.3 s of every
     * start (measured on `local up`, whose own subtree takes 0.2 s). Anything else (help, an option, a typo) gets
     * them all, so that usage, {@code help COMMAND} and suggestions know every command.
     */
    static CommandLine commandLine(String first) {
        CommandLine cli = new CommandLine(new VidmetaCommand());
        // help describes its siblings, so it needs them all.
        List<Class<?>> named = SUBCOMMANDS.stream().filter(type -> type != CommandLine.HelpCommand.class)
                .filter(type -> type.getAnnotation(Command.class).name().equals(first)).toList();
        for (Class<?> subcommand : named.isEmpty() ? SUBCOMMANDS : named) {
            cli.addSubcommand(subcommand);
        }
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
