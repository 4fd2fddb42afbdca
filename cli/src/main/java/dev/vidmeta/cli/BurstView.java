package dev.vidmeta.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The live frame of {@code vidmeta watch --all}: a summary line counting executions by status, then one line per
 * execution, the ones worth a look first, then {@code … N more}. It fits the terminal: at most {@code rows - 1}
 * lines, so printing it never scrolls, and no line reaches the last column, so none wraps; the previous frame can
 * then be redrawn in place by moving the cursor up by its line count.
 *
 * <p>Pure: the caller lists the executions and says how to name each one and where it is; only the executions
 * that get a line are asked about, so a burst of a thousand costs a screenful of lookups, not a thousand.
 */
final class BurstView {

    /** Terminal size in character cells. */
    record Size(int columns, int rows) {

        private static final Pattern FORM = Pattern.compile("(\\d+)x(\\d+)");

        /** {@code 160x50}: columns by rows. */
        static Size parse(String text) {
            Matcher m = FORM.matcher(text.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("expected COLUMNSxROWS, e.g. 160x50: " + text);
            }
            return new Size(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
    }

    /** The order of the summary's counts, and of the rows: running, then what went wrong, then the rest. */
    private static final List<ExecutionStatus> ORDER = List.of(ExecutionStatus.RUNNING, ExecutionStatus.FAILED,
            ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED, ExecutionStatus.PENDING_REDRIVE,
            ExecutionStatus.SUCCEEDED);

    private static final int STATUS_WIDTH = 10;
    private static final int DURATION_WIDTH = 8;
    private static final int MAX_KEY_WIDTH = 40;

    private BurstView() {
    }

    /**
     * Running executions, newest first; then failed, timed-out, aborted and redrive-pending ones, most recently
     * ended first; then succeeded ones, most recently ended first.
     */
    static List<ExecutionListItem> ordered(Collection<ExecutionListItem> executions) {
        Comparator<ExecutionListItem> byRank = Comparator.comparingInt(BurstView::rank);
        Comparator<ExecutionListItem> newestFirst = Comparator.comparing(BurstView::lastChange).reversed();
        return executions.stream().sorted(byRank.thenComparing(newestFirst)).toList();
    }

    /** {@code 127 executions since 05:31:02  RUNNING 12  FAILED 15  SUCCEEDED 100}, zero counts left out. */
    static String summary(Collection<ExecutionListItem> executions, Instant since) {
        Map<ExecutionStatus, Integer> counts = new EnumMap<>(ExecutionStatus.class);
        executions.forEach(e -> counts.merge(e.status(), 1, Integer::sum));
        StringBuilder line = new StringBuilder().append(executions.size())
                .append(executions.size() == 1 ? " execution" : " executions")
                .append(" since ").append(StatesView.CLOCK.format(since));
        for (ExecutionStatus status : ORDER) {
            Integer n = counts.remove(status);
            if (n != null) {
                line.append("  ").append(status).append(' ').append(n);
            }
        }
        counts.forEach((status, n) -> line.append("  ").append(status).append(' ').append(n));
        return line.toString();
    }

    /**
     * The frame for {@code ordered} executions (see {@link #ordered}).
     *
     * @param key the object an execution is about, asked only of executions that get a line
     * @param where its current state, or how it ended; asked only of executions that get a line
     */
    static List<String> frame(List<ExecutionListItem> ordered, String summary, Function<ExecutionListItem, String> key,
            Function<ExecutionListItem, String> where, Size size, Instant now) {
        int width = Math.max(1, size.columns() - 1);
        int height = Math.max(1, size.rows() - 1);
        List<String> lines = new ArrayList<>();
        lines.add(clip(summary, width));
        // Room for the rows, keeping one line for "… N more" when they do not all fit.
        int room = ordered.size() <= height - 1 ? ordered.size() : Math.max(0, height - 2);
        int keyWidth = Math.max(8, Math.min(MAX_KEY_WIDTH, width / 3));
        for (ExecutionListItem item : ordered.subList(0, room)) {
            lines.add(row(item, key.apply(item), where.apply(item), keyWidth, width, now));
        }
        if (room < ordered.size() && lines.size() < height) {
            lines.add(clip("… " + (ordered.size() - room) + " more", width));
        }
        return lines;
    }

    /** {@code   in/clip.mp4   RUNNING       4.2s  Probe And Analyze}: the status coloured when it fits whole. */
    private static String row(ExecutionListItem item, String key, String where, int keyWidth, int width, Instant now) {
        String status = item.statusAsString();
        Instant end = item.stopDate() == null ? now : item.stopDate();
        String head = "  " + pad(shorten(key == null ? "-" : key, keyWidth), keyWidth) + " ";
        String tail = " " + String.format("%" + DURATION_WIDTH + "s", Durations.format(Duration.between(item.startDate(), end)))
                + "  " + (where == null ? "" : where);
        String plain = (head + pad(status, STATUS_WIDTH) + tail).stripTrailing();
        if (head.length() + STATUS_WIDTH > width) {
            return clip(plain, width); // too narrow for the colour codes to close inside the line
        }
        String rest = clip((pad(status, STATUS_WIDTH) + tail).stripTrailing(), width - head.length());
        String shownStatus = rest.length() < STATUS_WIDTH ? rest : rest.substring(0, STATUS_WIDTH);
        return head + Terminal.colour(status, shownStatus) + rest.substring(shownStatus.length());
    }

    /** At most {@code width} characters; a cut line ends in "…". */
    static String clip(String line, int width) {
        if (line.length() <= width) {
            return line;
        }
        return width <= 1 ? line.substring(0, width) : line.substring(0, width - 1) + "…";
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max + 1);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static int rank(ExecutionListItem item) {
        int rank = ORDER.indexOf(item.status());
        return rank < 0 ? ORDER.size() : rank;
    }

    private static Instant lastChange(ExecutionListItem item) {
        return item.stopDate() != null ? item.stopDate() : item.startDate();
    }
}
