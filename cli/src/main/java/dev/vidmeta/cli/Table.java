package dev.vidmeta.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: columns as wide as their widest cell, up to a limit per column. */
final class Table {

    private final List<String> headers;
    private final int[] limits;
    private final List<List<String>> rows = new ArrayList<>();

    /** {@code limits}: the widest each column may be, one per header; longer cells end in "…". */
    Table(List<String> headers, int... limits) {
        this.headers = headers;
        this.limits = limits;
    }

    void add(String... cells) {
        List<String> row = new ArrayList<>();
        for (String cell : cells) {
            // One line per row: a multi-line cause is shown up to its first line break.
            String flat = cell == null ? "-" : cell.replaceAll("\\s*[\\r\\n]+\\s*", " ");
            row.add(flat.isEmpty() ? "-" : flat);
        }
        rows.add(row);
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], Math.min(limits[i], row.get(i).length()));
            }
        }
        line(out, headers, widths);
        rows.forEach(row -> line(out, row, widths));
        out.flush();
    }

    private static void line(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String cell = cells.get(i);
            if (cell.length() > widths[i]) {
                cell = cell.substring(0, widths[i] - 1) + "…";
            }
            sb.append(cell);
            if (i < widths.length - 1) {
                sb.append(" ".repeat(widths[i] - cell.length() + 2));
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
