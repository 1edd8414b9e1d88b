package dev.dbbrain.reactive.apicheck;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two API dumps for a reader: {@code -} for a line only in the committed dump, {@code +} for a line only
 * in the compiled jar, each hunk headed by the type it is in (the nearest unindented line above it), with a line of
 * context either side. The longest common subsequence of lines keeps moved blocks apart from changed ones.
 */
final class LineDiff {

    private LineDiff() {
    }

    /** The diff from {@code expected} to {@code actual}, or the empty string when they are equal. */
    static String diff(String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        int[][] common = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<Edit> edits = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                edits.add(new Edit(' ', a.get(i++)));
                j++;
            } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
                edits.add(new Edit('-', a.get(i++)));
            } else {
                edits.add(new Edit('+', b.get(j++)));
            }
        }
        return hunks(edits);
    }

    private static String hunks(List<Edit> edits) {
        int n = edits.size();
        boolean[] shown = new boolean[n];
        for (int k = 0; k < n; k++) {
            if (edits.get(k).kind() != ' ') {
                for (int c = Math.max(0, k - 1); c <= Math.min(n - 1, k + 1); c++) {
                    shown[c] = true;
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < n; k++) {
            if (!shown[k]) {
                continue;
            }
            if (k == 0 || !shown[k - 1]) {
                int firstChange = k;
                while (edits.get(firstChange).kind() == ' ') {
                    firstChange++;
                }
                out.append("@@ ").append(enclosingType(edits, firstChange)).append('\n');
            }
            out.append(edits.get(k).kind()).append(' ').append(edits.get(k).line()).append('\n');
        }
        return out.toString();
    }

    /** The header of the type that the edit at {@code index} belongs to (the nearest one above, on either side). */
    private static String enclosingType(List<Edit> edits, int index) {
        for (int k = index; k >= 0; k--) {
            Edit edit = edits.get(k);
            if (!edit.line().isEmpty() && !edit.line().startsWith(" ")
                    && !edit.line().startsWith("#") && !edit.line().startsWith("}")
                    && !edit.line().startsWith("@")) {
                return edit.line();
            }
        }
        return "(top of file)";
    }

    private record Edit(char kind, String line) {
    }
}
