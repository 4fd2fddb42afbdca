package dev.vidmeta.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vidmeta} command. Run it through the {@code ./vidmeta} launcher at the repository root. */
@Command(
        name = "vidmeta",
        mixinStandardHelpOptions = true,
        version = "vidmeta 0.1.0-SNAPSHOT",
        description = "Video metadata pipeline for AWS: MediaInfo and Rekognition Video into one DynamoDB record.",
        subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, ProbeCommand.class, LocalCommand.class},
        footer = {"", "The launcher also runs the test suite: ./vidmeta test  (mvn verify with a JDK 21+)."})
public final class VidmetaCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new VidmetaCommand()).execute(args));
    }
}
