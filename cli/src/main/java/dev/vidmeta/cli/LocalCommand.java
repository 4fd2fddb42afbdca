package dev.vidmeta.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vidmeta local ...}: the embedded local runtime. */
@Command(
        name = "local",
        mixinStandardHelpOptions = true,
        description = "Run vidmeta's local AWS (S3, DynamoDB, Lambda, SNS, Rekognition, EventBridge, Step Functions).",
        subcommands = {LocalUpCommand.class, LocalRunCommand.class})
public final class LocalCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
