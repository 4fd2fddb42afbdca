package dev.vidmeta.cli;

import dev.vidmeta.cli.ExecutionHistory.StateRun;
import dev.vidmeta.cli.console.StateStatuses.Status;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One execution's states as {@code vidmeta watch}, {@code demo} and {@code local run} print them, so all three
 * read alike: the Step Functions console's status words and {@link Durations#format} durations. On a terminal a
 * block redrawn in place (a header, then a row per state, indented by nesting); elsewhere (a pipe, a CI log) one
 * timestamped line per change of a state's status.
 */
final class StatesView {

    /** The time of day, UTC, that starts each line of a plain view. */
    static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final PrintWriter out;
    private final boolean live;
    private final Map<String, Status> printed = new HashMap<>();
    private int drawnLines;

    StatesView(PrintWriter out, boolean live) {
        this.out = out;
        this.live = live;
    }

    /** The status words of the Step Functions console; "-" for a state that has not run. */
    static String label(Status status) {
        return status == null ? "-" : switch (status) {
            case IN_PROGRESS -> "IN PROGRESS";
            case CAUGHT_ERROR -> "CAUGHT ERROR";
            default -> status.name();
        };
    }

    /** How long the state ran, or has been running by {@code now}; empty when it has not run. */
    static String duration(StateRun run, Instant now) {
        Duration d = run.duration(now);
        return d == null ? "" : Durations.format(d);
    }

    /** {@code execution SUCCEEDED in 4.2s}: the line that closes an execution's progress. */
    static String ending(String status, Duration elapsed) {
        return "execution " + status + " in " + Durations.format(elapsed);
    }

    /**
     * Shows the states once more: call on every tick. {@code title} names the execution in the live header,
     * followed by its {@code status} and {@code elapsed} time.
     */
    void show(String title, String status, Duration elapsed, List<StateRun> runs, Instant now) {
        if (live) {
            List<String> lines = new ArrayList<>();
            lines.add(title + "  " + Terminal.colour(status, status) + "  " + Durations.format(elapsed));
            for (StateRun run : runs) {
                lines.add(String.format("%s%-" + (32 - 2 * run.depth()) + "s %s %8s  %s",
                        "  ".repeat(run.depth() + 1), run.name(),
                        Terminal.colour(run.status() == null ? "-" : run.status().name(),
                                String.format("%-12s", label(run.status()))),
                        duration(run, now), run.error() == null ? "" : run.error()).stripTrailing());
            }
            redraw(lines);
            return;
        }
        for (StateRun run : runs) {
            if (run.status() != null && printed.get(run.name()) != run.status()) {
                printed.put(run.name(), run.status());
                // Printed once, so a running state's duration so far would only mislead.
                out.println(String.format("%s  %-32s %-12s %8s  %s", CLOCK.format(now), run.name(),
                        label(run.status()), run.status() == Status.IN_PROGRESS ? "" : duration(run, now),
                        run.error() == null ? "" : run.error()).stripTrailing());
            }
        }
        out.flush();
    }

    /** Forgets what was shown, so the next execution's block or lines start afresh below this one's. */
    void reset() {
        drawnLines = 0;
        printed.clear();
    }

    /** Redraws the previous frame in place: back to its first line, each line cleared, leftovers cleared. */
    void redraw(List<String> lines) {
        StringBuilder frame = new StringBuilder(Terminal.up(drawnLines)).append('\r');
        for (String line : lines) {
            frame.append(Terminal.CLEAR_LINE).append(line).append('\n');
        }
        for (int i = lines.size(); i < drawnLines; i++) {
            frame.append(Terminal.CLEAR_LINE).append('\n');
        }
        drawnLines = Math.max(lines.size(), drawnLines);
        out.print(frame);
        out.flush();
    }
}
