package dev.pictl.cli.view;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts ({@code diff -u}, three lines of context), for {@code pictl fmt -diff}. The
 * common head and tail are cut off first; the rest is matched by longest common subsequence when it is small
 * enough, else shown as one replaced block.
 */
public final class UnifiedDiff {
    private static final int CONTEXT = 3;
    /** Above this many cells the middle is not matched line by line (it is still a correct diff). */
    private static final long MAX_CELLS = 4_000_000L;

    private UnifiedDiff() {
    }

    /** The diff, with {@code --- a/NAME} and {@code +++ b/NAME} headers; empty when the texts are equal. */
    public static String of(String name, String before, String after) {
        if (before.equals(after)) {
            return "";
        }
        List<String> a = lines(before);
        List<String> b = lines(after);
        List<Op> ops = ops(a, b);
        StringBuilder out = new StringBuilder();
        out.append("--- a/").append(name).append('\n').append("+++ b/").append(name).append('\n');
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i).kind == ' ') {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            // extend while changes are within 2*CONTEXT of each other
            int lastChange = i;
            while (end < ops.size()) {
                if (ops.get(end).kind != ' ') {
                    lastChange = end;
                } else if (end - lastChange > 2 * CONTEXT) {
                    break;
                }
                end++;
            }
            end = Math.min(ops.size(), lastChange + CONTEXT + 1);
            int aStart = ops.get(start).aLine;
            int bStart = ops.get(start).bLine;
            int aCount = 0;
            int bCount = 0;
            StringBuilder hunk = new StringBuilder();
            for (Op op : ops.subList(start, end)) {
                hunk.append(op.kind).append(op.text).append('\n');
                aCount += op.kind != '+' ? 1 : 0;
                bCount += op.kind != '-' ? 1 : 0;
            }
            out.append("@@ -").append(range(aStart, aCount)).append(" +").append(range(bStart, bCount)).append(" @@\n")
                    .append(hunk);
            i = end;
        }
        return out.toString();
    }

    private static String range(int start, int count) {
        return count == 0 ? start + ",0" : (start + 1) + (count == 1 ? "" : "," + count);
    }

    /** One diff line; {@code aLine}/{@code bLine}: 0-based lines of each side before it. */
    private record Op(char kind, String text, int aLine, int bLine) {
    }

    private static List<Op> ops(List<String> a, List<String> b) {
        int head = 0;
        while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < a.size() - head && tail < b.size() - head
                && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
            tail++;
        }
        List<Op> ops = new ArrayList<>();
        for (int k = 0; k < head; k++) {
            ops.add(new Op(' ', a.get(k), k, k));
        }
        List<String> ma = a.subList(head, a.size() - tail);
        List<String> mb = b.subList(head, b.size() - tail);
        int n = ma.size();
        int m = mb.size();
        if ((long) (n + 1) * (m + 1) <= MAX_CELLS) {
            int[][] lcs = new int[n + 1][m + 1];
            for (int x = n - 1; x >= 0; x--) {
                for (int y = m - 1; y >= 0; y--) {
                    lcs[x][y] = ma.get(x).equals(mb.get(y)) ? lcs[x + 1][y + 1] + 1 : Math.max(lcs[x + 1][y], lcs[x][y + 1]);
                }
            }
            int x = 0;
            int y = 0;
            while (x < n || y < m) {
                if (x < n && y < m && ma.get(x).equals(mb.get(y))) {
                    ops.add(new Op(' ', ma.get(x), head + x, head + y));
                    x++;
                    y++;
                } else if (y < m && (x == n || lcs[x][y + 1] >= lcs[x + 1][y])) {
                    ops.add(new Op('+', mb.get(y), head + x, head + y));
                    y++;
                } else {
                    ops.add(new Op('-', ma.get(x), head + x, head + y));
                    x++;
                }
            }
        } else {
            for (int x = 0; x < n; x++) {
                ops.add(new Op('-', ma.get(x), head + x, head));
            }
            for (int y = 0; y < m; y++) {
                ops.add(new Op('+', mb.get(y), head + n, head + y));
            }
        }
        for (int k = 0; k < tail; k++) {
            ops.add(new Op(' ', a.get(a.size() - tail + k), a.size() - tail + k, b.size() - tail + k));
        }
        // Within a block of changes, "-" lines before "+" lines, as diff prints them.
        List<Op> ordered = new ArrayList<>();
        int k = 0;
        while (k < ops.size()) {
            if (ops.get(k).kind == ' ') {
                ordered.add(ops.get(k++));
                continue;
            }
            int e = k;
            while (e < ops.size() && ops.get(e).kind != ' ') {
                e++;
            }
            ops.subList(k, e).stream().filter(o -> o.kind == '-').forEach(ordered::add);
            ops.subList(k, e).stream().filter(o -> o.kind == '+').forEach(ordered::add);
            k = e;
        }
        // Each line's position on both sides, counted in the final order.
        List<Op> numbered = new ArrayList<>();
        int aLine = 0;
        int bLine = 0;
        for (Op o : ordered) {
            numbered.add(new Op(o.kind, o.text, aLine, bLine));
            aLine += o.kind != '+' ? 1 : 0;
            bLine += o.kind != '-' ? 1 : 0;
        }
        return numbered;
    }

    /** The text's lines, split at "\n" only; a final newline ends the last line rather than starting one. */
    private static List<String> lines(String s) {
        List<String> out = new ArrayList<>(List.of(s.split("\n", -1)));
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }
}
