package dev.vidmeta.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/** One in-process run of the {@code vidmeta} command with its standard output and error captured. */
record RunOutput(int exitCode, String out, String err) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static RunOutput execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = VidmetaCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new RunOutput(exit, out.toString(), err.toString());
    }

    /** The record printed for {@code key} in the source bucket, parsed back from the JSON on stdout. */
    JsonNode record(String bucket, String key) {
        String header = "Record of s3://" + bucket + "/" + key + " in DynamoDB table ";
        int at = out.indexOf(header);
        if (at < 0) {
            throw new AssertionError("no record printed for " + key + " in:\n" + out + "\nstderr:\n" + err);
        }
        try {
            // The JSON starts on the line after the header; the parser stops at the end of the first value.
            return JSON.readTree(out.substring(out.indexOf('\n', at) + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
