package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Matches a Lua 5.3 pattern (reference manual, §6.4.1) against a string, backtracking as Lua
 * does, and counting every step to the {@link LuaBudget}: a pattern that backtracks for minutes
 * (the trim {@code ^%s*(.-)%s*$} on a long run of spaces) stops at the call's deadline instead.
 *
 * <p>Positions are 0-based offsets into the subject, {@code -1} is "no match". One matcher
 * serves one subject and pattern; {@link #reset()} before each attempt. Not thread-safe.
 */
final class LuaPattern {

    static final int MAX_CAPTURES = 32;
    // As Lua's MAXCCALLS: how deeply the matcher may recurse (captures, optional and repeated items).
    private static final int MAX_DEPTH = 200;
    private static final int CAP_UNFINISHED = -1;
    private static final int CAP_POSITION = -2;
    private static final int STEPS_PER_TICK = 512;
    private static final String SPECIALS = "^$*+?.([%-";

    private final LuaString subject;
    private final byte[] src;
    private final int srcOffset;
    private final int srcLength;
    private final byte[] pat;
    private final int patOffset;
    private final int patLength;
    private final LuaBudget budget;
    // Sized by the pattern's parentheses: most patterns capture little or nothing.
    private final int[] captureStart;
    private final int[] captureLength;
    private int level;
    private int depth;
    private int steps;

    LuaPattern(LuaString subject, LuaString pattern, LuaBudget budget) {
        this.subject = subject;
        this.src = subject.m_bytes;
        this.srcOffset = subject.m_offset;
        this.srcLength = subject.m_length;
        this.pat = pattern.m_bytes;
        this.patOffset = pattern.m_offset;
        this.patLength = pattern.m_length;
        this.budget = budget;
        int open = 0;
        for (int i = 0; i < patLength && open < MAX_CAPTURES; i++) {
            if (pat[patOffset + i] == '(') {
                open++;
            }
        }
        this.captureStart = new int[open];
        this.captureLength = new int[open];
    }

    /** Whether {@code pattern} has no magic character, so that a plain search finds the same. */
    static boolean isPlain(LuaString pattern) {
        for (int i = 0; i < pattern.m_length; i++) {
            if (SPECIALS.indexOf(pattern.m_bytes[pattern.m_offset + i]) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the pattern starts with {@code ^}, which anchors it (for find, match and gsub). */
    boolean anchored() {
        return patLength > 0 && pat[patOffset] == '^';
    }

    /** Forgets the captures of the last attempt. */
    void reset() {
        level = 0;
        depth = 0;
    }

    /** The subject's length. */
    int length() {
        return srcLength;
    }

    /**
     * Matches the pattern from {@code patternStart} against the subject at {@code s}.
     *
     * @return where the match ends, or -1
     */
    int match(int s, int patternStart) {
        return match0(s, patternStart);
    }

    /** The captures of a match from {@code s} to {@code e}; the whole match if there are none and {@code whole}. */
    Varargs captures(int s, int e, boolean whole) {
        int n = level == 0 && whole ? 1 : level;
        if (n == 1) {
            return capture(0, s, e);
        }
        LuaValue[] values = new LuaValue[n];
        for (int i = 0; i < n; i++) {
            values[i] = capture(i, s, e);
        }
        return LuaValue.varargsOf(values);
    }

    /** Capture {@code i} (0-based) of a match from {@code s} to {@code e}: index 0 is the whole match when there is no capture. */
    LuaValue capture(int i, int s, int e) {
        if (i >= level) {
            if (i != 0) {
                throw new LuaError("invalid capture index %" + (i + 1));
            }
            return substring(s, e);
        }
        int length = captureLength[i];
        if (length == CAP_UNFINISHED) {
            throw new LuaError("unfinished capture");
        }
        if (length == CAP_POSITION) {
            return LuaValue.valueOf(captureStart[i] + 1);
        }
        return substring(captureStart[i], captureStart[i] + length);
    }

    /** Appends the whole match, from {@code s} to {@code e}, to {@code out}. */
    void appendMatch(BoundedBuffer out, int s, int e) {
        out.append(src, srcOffset + s, e - s);
    }

    /** Appends {@link #capture} {@code i} to {@code out}, without making a string of it first. */
    void appendCapture(BoundedBuffer out, int i, int s, int e) {
        if (i >= level) {
            if (i != 0) {
                throw new LuaError("invalid capture index %" + (i + 1));
            }
            out.append(src, srcOffset + s, e - s);
            return;
        }
        int length = captureLength[i];
        if (length == CAP_UNFINISHED) {
            throw new LuaError("unfinished capture");
        }
        if (length == CAP_POSITION) {
            out.append(LuaString.valueOf(Integer.toString(captureStart[i] + 1)));
            return;
        }
        out.append(src, srcOffset + captureStart[i], length);
    }

    /** The subject from {@code s} to {@code e}, charged to the budget when it is a copy. */
    LuaString substring(int s, int e) {
        int length = e - s;
        // LuaJ shares the bytes of a long piece and copies a short one.
        if (length < srcLength / 2) {
            budget.allocate(length + LiveSize.STRING + LiveSize.ARRAY);
        }
        return subject.substring(s, e);
    }

    /** Plain search for {@code needle} from {@code from} (at most the haystack's length); its offset or -1. */
    static int find(LuaString haystack, LuaString needle, int from, LuaBudget budget) {
        int n = needle.m_length;
        if (n == 0) {
            return from;
        }
        byte[] h = haystack.m_bytes;
        byte[] w = needle.m_bytes;
        int ho = haystack.m_offset;
        int wo = needle.m_offset;
        byte first = w[wo];
        int last = haystack.m_length - n;
        long work = 0;
        for (int i = from; i <= last; i++) {
            work++;
            if (h[ho + i] != first) {
                continue;
            }
            int k = 1;
            while (k < n && h[ho + i + k] == w[wo + k]) {
                k++;
            }
            if (k == n) {
                budget.tick(work >> 6);
                return i;
            }
            work += k;
            if (work >= 1 << 16) {
                budget.tick(work >> 6);
                work = 0;
            }
        }
        budget.tick(work >> 6);
        return -1;
    }

    private void step() {
        if (++steps >= STEPS_PER_TICK) {
            budget.tick(steps);
            steps = 0;
        }
    }

    private int p(int i) {
        return pat[patOffset + i] & 0xFF;
    }

    private int s(int i) {
        return src[srcOffset + i] & 0xFF;
    }

    private int match0(int s, int p) {
        if (++depth > MAX_DEPTH) {
            throw new LuaError("pattern too complex");
        }
        try {
            while (true) {
                step();
                if (p == patLength) {
                    return s;
                }
                switch (p(p)) {
                    case '(' -> {
                        return p + 1 < patLength && p(p + 1) == ')'
                                ? startCapture(s, p + 2, CAP_POSITION) : startCapture(s, p + 1, CAP_UNFINISHED);
                    }
                    case ')' -> {
                        return endCapture(s, p + 1);
                    }
                    case '$' -> {
                        if (p + 1 == patLength) {
                            return s == srcLength ? s : -1;
                        }
                    }
                    case '%' -> {
                        int next = p + 1 < patLength ? p(p + 1) : -1;
                        if (next == 'b') {
                            s = balance(s, p + 2);
                            if (s == -1) {
                                return -1;
                            }
                            p += 4;
                            continue;
                        }
                        if (next == 'f') {
                            p += 2;
                            if (p >= patLength || p(p) != '[') {
                                throw new LuaError("missing '[' after '%f' in pattern");
                            }
                            int end = classEnd(p);
                            int previous = s == 0 ? 0 : s(s - 1);
                            int current = s < srcLength ? s(s) : 0;
                            if (inSet(previous, p, end - 1) || !inSet(current, p, end - 1)) {
                                return -1;
                            }
                            p = end;
                            continue;
                        }
                        if (next >= '0' && next <= '9') {
                            s = backReference(s, next);
                            if (s == -1) {
                                return -1;
                            }
                            p += 2;
                            continue;
                        }
                    }
                    default -> {
                    }
                }
                int end = classEnd(p);
                int suffix = end < patLength ? p(end) : -1;
                if (s >= srcLength || !singleMatch(s(s), p, end)) {
                    if (suffix == '*' || suffix == '?' || suffix == '-') {
                        p = end + 1;
                        continue;
                    }
                    return -1;
                }
                switch (suffix) {
                    case '?' -> {
                        int r = match0(s + 1, end + 1);
                        if (r != -1) {
                            return r;
                        }
                        p = end + 1;
                    }
                    case '+' -> {
                        return longest(s + 1, p, end);
                    }
                    case '*' -> {
                        return longest(s, p, end);
                    }
                    case '-' -> {
                        return shortest(s, p, end);
                    }
                    default -> {
                        s++;
                        p = end;
                    }
                }
            }
        } finally {
            depth--;
        }
    }

    // item* and item+: as many as match, then fewer until the rest matches.
    private int longest(int s, int p, int end) {
        int n = 0;
        while (s + n < srcLength && singleMatch(s(s + n), p, end)) {
            n++;
            step();
        }
        for (; n >= 0; n--) {
            int r = match0(s + n, end + 1);
            if (r != -1) {
                return r;
            }
        }
        return -1;
    }

    // item-: as few as possible, then one more until the rest matches.
    private int shortest(int s, int p, int end) {
        while (true) {
            int r = match0(s, end + 1);
            if (r != -1) {
                return r;
            }
            if (s < srcLength && singleMatch(s(s), p, end)) {
                s++;
            } else {
                return -1;
            }
        }
    }

    private int startCapture(int s, int p, int what) {
        if (level >= captureStart.length) {
            throw new LuaError("too many captures");
        }
        captureStart[level] = s;
        captureLength[level] = what;
        level++;
        int r = match0(s, p);
        if (r == -1) {
            level--;
        }
        return r;
    }

    private int endCapture(int s, int p) {
        int open = -1;
        for (int l = level - 1; l >= 0; l--) {
            if (captureLength[l] == CAP_UNFINISHED) {
                open = l;
                break;
            }
        }
        if (open < 0) {
            throw new LuaError("invalid pattern capture");
        }
        captureLength[open] = s - captureStart[open];
        int r = match0(s, p);
        if (r == -1) {
            captureLength[open] = CAP_UNFINISHED;
        }
        return r;
    }

    // %bxy: from an x to the y that balances it.
    private int balance(int s, int p) {
        if (p + 1 >= patLength) {
            throw new LuaError("malformed pattern (missing arguments to '%b')");
        }
        int open = p(p);
        int close = p(p + 1);
        if (s >= srcLength || s(s) != open) {
            return -1;
        }
        int depthOfNesting = 1;
        for (int i = s + 1; i < srcLength; i++) {
            step();
            int c = s(i);
            if (c == close) {
                if (--depthOfNesting == 0) {
                    return i + 1;
                }
            } else if (c == open) {
                depthOfNesting++;
            }
        }
        return -1;
    }

    // %1..%9: the same bytes as that capture.
    private int backReference(int s, int digit) {
        int l = digit - '1';
        if (l < 0 || l >= level || captureLength[l] == CAP_UNFINISHED) {
            throw new LuaError("invalid capture index %" + (l + 1));
        }
        int length = captureLength[l];
        if (length < 0 || srcLength - s < length) {
            return -1;
        }
        budget.tick(length >> 6);
        int from = captureStart[l];
        for (int i = 0; i < length; i++) {
            if (src[srcOffset + from + i] != src[srcOffset + s + i]) {
                return -1;
            }
        }
        return s + length;
    }

    // Where the single-character class at p ends.
    private int classEnd(int p) {
        int c = p(p++);
        if (c == '%') {
            if (p >= patLength) {
                throw new LuaError("malformed pattern (ends with '%')");
            }
            return p + 1;
        }
        if (c == '[') {
            if (p < patLength && p(p) == '^') {
                p++;
            }
            // The first character of a set is never its end, so "[]]" is a set of "]".
            do {
                if (p >= patLength) {
                    throw new LuaError("malformed pattern (missing ']')");
                }
                int x = p(p++);
                if (x == '%' && p < patLength) {
                    p++;
                }
            } while (p >= patLength || p(p) != ']');
            return p + 1;
        }
        return p;
    }

    private boolean singleMatch(int c, int p, int end) {
        return switch (p(p)) {
            case '.' -> true;
            case '%' -> matchClass(c, p(p + 1));
            case '[' -> inSet(c, p, end - 1);
            default -> p(p) == c;
        };
    }

    // [set] from p (at '[') to close (at ']').
    private boolean inSet(int c, int p, int close) {
        boolean found = true;
        p++;
        if (p(p) == '^') {
            found = false;
            p++;
        }
        while (p < close) {
            int x = p(p);
            if (x == '%' && p + 1 < close) {
                if (matchClass(c, p(p + 1))) {
                    return found;
                }
                p += 2;
            } else if (p + 2 < close && p(p + 1) == '-') {
                if (x <= c && c <= p(p + 2)) {
                    return found;
                }
                p += 3;
            } else {
                if (x == c) {
                    return found;
                }
                p++;
            }
        }
        return !found;
    }

    // %a, %d, ... as C's ctype functions in the "C" locale; upper case is the complement.
    static boolean matchClass(int c, int cl) {
        boolean result;
        switch (cl | 0x20) {
            case 'a' -> result = isAlpha(c);
            case 'c' -> result = c < 32 || c == 127;
            case 'd' -> result = c >= '0' && c <= '9';
            case 'g' -> result = c > 32 && c < 127;
            case 'l' -> result = c >= 'a' && c <= 'z';
            case 'p' -> result = c > 32 && c < 127 && !isAlpha(c) && !(c >= '0' && c <= '9');
            case 's' -> result = c == ' ' || (c >= 9 && c <= 13);
            case 'u' -> result = c >= 'A' && c <= 'Z';
            case 'w' -> result = isAlpha(c) || (c >= '0' && c <= '9');
            case 'x' -> result = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
            default -> {
                return cl == c;
            }
        }
        return cl <= 'Z' ? !result : result;
    }

    private static boolean isAlpha(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
