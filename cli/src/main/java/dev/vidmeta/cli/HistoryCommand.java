package dev.vidmeta.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vidmeta history <execution>}: an execution's events as a timeline, or raw. */
@Command(
        name = "history",
        mixinStandardHelpOptions = true,
        description = "Prints an execution's event history as a readable timeline; --json prints the raw events"
                + " (as aws stepfunctions get-execution-history does).")
public final class HistoryCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment;

    @Parameters(paramLabel = "EXECUTION", description = "an execution ARN, or an execution name of the state machine")
    String execution;

    @Option(names = "--json", description = "the raw events as JSON: {\"events\": [...]}")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (DeploymentOptions closing = deployment) {
            ExecutionHistory history = ExecutionHistory.fetch(deployment.sfn(), deployment.executionArn(execution));
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                        JSON.createObjectNode().set("events", history.toJson())));
            } else {
                Instant start = history.events().isEmpty() ? null : ExecutionHistory.timestamp(history.events().getFirst());
                history.events().forEach(event -> out.println(line(event, start)));
            }
            out.flush();
            return 0;
        }
    }

    /** {@code 06:04:05.120  +1.2s  #7  TaskFailed  Probe Media  States.Timeout: ...}. */
    static String line(JsonNode event, Instant start) {
        Instant at = ExecutionHistory.timestamp(event);
        JsonNode d = ExecutionHistory.details(event);
        StringBuilder sb = new StringBuilder();
        sb.append(CLOCK.format(at)).append(String.format("  %8s", "+" + Durations.format(Duration.between(start, at))))
                .append(String.format("  #%-4d ", event.path("id").asLong()))
                .append(String.format("%-28s", ExecutionHistory.type(event)));
        String state = ExecutionHistory.stateName(event);
        if (state != null) {
            sb.append(state);
        }
        if (d.has("resource")) {
            sb.append(d.path("resourceType").asText("")).append(':').append(d.path("resource").asText());
        }
        if (d.has("error") || d.has("cause")) {
            sb.append(d.path("error").asText(""));
            if (d.has("cause")) {
                String cause = d.path("cause").asText().replaceAll("\\s+", " ");
                sb.append(": ").append(cause.length() > 300 ? cause.substring(0, 299) + "…" : cause);
            }
        }
        if (d.has("redriveCount")) {
            sb.append("redrive ").append(d.path("redriveCount").asInt());
        }
        return sb.toString().stripTrailing();
    }
}
