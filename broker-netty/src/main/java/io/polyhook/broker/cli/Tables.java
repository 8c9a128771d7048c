package io.polyhook.broker.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

/** Plain-text tables: columns padded to their widest cell; numbers right-aligned. */
final class Tables {

    private Tables() {
    }

    /** Prints {@code rows} (the first is the header), each line indented by {@code indent} spaces. */
    static void print(PrintWriter out, List<String[]> rows, int indent) {
        int columns = rows.getFirst().length;
        int[] width = new int[columns];
        boolean[] numeric = new boolean[columns];
        Arrays.fill(numeric, rows.size() > 1);
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], row[c].length());
                if (r > 0 && !row[c].matches("-?[0-9.]+")) {
                    numeric[c] = false;
                }
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(" ".repeat(indent));
            for (int c = 0; c < columns; c++) {
                String cell = row[c];
                String pad = " ".repeat(width[c] - cell.length());
                line.append(numeric[c] ? pad + cell : cell + (c == columns - 1 ? "" : pad));
                if (c < columns - 1) {
                    line.append("  ");
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
