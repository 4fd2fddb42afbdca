package dev.vidmeta.cli;

import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;

/**
 * Whether output goes to an interactive terminal, and the few ANSI sequences the live views use.
 *
 * <p>Since JDK 22 {@link System#console()} is non-null even when output is redirected; {@code isTerminal()} (JDK
 * 22+) tells the truth, and is called reflectively because the code is compiled for Java 21.
 */
final class Terminal {

    static final String HIDE_CURSOR = "\u001b[?25l";
    static final String SHOW_CURSOR = "\u001b[?25h";
    static final String CLEAR_LINE = "\u001b[2K";

    private Terminal() {
    }

    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only for a terminal
        }
    }

    /**
     * The terminal's size now (it may change between frames): {@code stty size} on the controlling terminal, else
     * {@code COLUMNS} and {@code LINES}, else 80x24.
     */
    static BurstView.Size size() {
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] rowsColumns = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                    .trim().split("\\s+");
            if (stty.waitFor() == 0 && rowsColumns.length == 2) {
                return new BurstView.Size(Integer.parseInt(rowsColumns[1]), Integer.parseInt(rowsColumns[0]));
            }
        } catch (IOException | NumberFormatException e) {
            // no terminal, or no stty: the environment's word, or the classic size
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new BurstView.Size(number(System.getenv("COLUMNS"), 80), number(System.getenv("LINES"), 24));
    }

    private static int number(String text, int otherwise) {
        try {
            return text == null ? otherwise : Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    static String up(int lines) {
        return lines <= 0 ? "" : "\u001b[" + lines + "A";
    }

    static String colour(String status, String text) {
        String code = switch (status) {
            case "SUCCEEDED" -> "32";
            case "RUNNING", "IN_PROGRESS" -> "34";
            case "FAILED", "TIMED_OUT" -> "31";
            case "CAUGHT_ERROR", "ABORTED", "CANCELLED", "PENDING_REDRIVE" -> "33";
            default -> "2";
        };
        return "\u001b[" + code + "m" + text + "\u001b[0m";
    }

    /**
     * Progress of a batch on stderr: a redrawn bar on a terminal, otherwise a line at every tenth (so logs of
     * a long backfill still show it moving, without one line per object).
     */
    static final class Progress {
        private final PrintWriter err;
        private final boolean live;
        private final int total;
        private int done;
        private int lastTenth = -1;

        Progress(PrintWriter err, boolean live, int total) {
            this.err = err;
            this.live = live;
            this.total = total;
        }

        /** {@code started 3, already started 2}: each outcome with its count, in the enum's order. */
        static String summary(Map<? extends Enum<?>, Integer> counts) {
            StringBuilder sb = new StringBuilder();
            counts.forEach((outcome, n) -> sb.append(sb.isEmpty() ? "" : ", ")
                    .append(outcome.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(' ').append(n));
            return sb.toString();
        }

        void step(String summary) {
            done++;
            if (live) {
                int width = 30;
                int filled = total == 0 ? width : (int) ((long) done * width / total);
                err.print("\r" + CLEAR_LINE + "[" + "#".repeat(filled) + " ".repeat(width - filled) + "] "
                        + done + "/" + total + "  " + summary);
                if (done == total) {
                    err.println();
                }
            } else {
                int tenth = total == 0 ? 10 : done * 10 / total;
                if (tenth != lastTenth) {
                    lastTenth = tenth;
                    err.println(String.format(Locale.ROOT, "progress: %d/%d  %s", done, total, summary));
                }
            }
            err.flush();
        }
    }
}
