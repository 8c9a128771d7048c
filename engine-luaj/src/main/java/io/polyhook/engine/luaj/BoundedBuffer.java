package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;

import java.util.Arrays;

/**
 * A string being built by a library function: refused once it would pass
 * {@code max_string_size}, and charged to the budget as it grows. Not thread-safe.
 */
final class BoundedBuffer {

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final LuaBudget budget;
    private final String what;
    private byte[] bytes;
    private int length;

    /** @param what the function building it, for the message of a refusal ({@code "string.gsub"}) */
    BoundedBuffer(LuaBudget budget, String what, int expected) {
        this.budget = budget;
        this.what = what;
        int initial = (int) Math.min(Math.max(expected, 16), budget.maxStringSize());
        budget.allocateString(initial, what);
        this.bytes = new byte[initial];
    }

    void append(LuaString s) {
        append(s.m_bytes, s.m_offset, s.m_length);
    }

    void append(LuaString s, int from, int to) {
        append(s.m_bytes, s.m_offset + from, to - from);
    }

    void append(byte[] b, int offset, int n) {
        ensure(n);
        System.arraycopy(b, offset, bytes, length, n);
        length += n;
    }

    void append(int b) {
        ensure(1);
        bytes[length++] = (byte) b;
    }

    int length() {
        return length;
    }

    /** The string built; the buffer is not used after this. */
    LuaString toLuaString() {
        return LuaString.valueUsing(length == bytes.length ? bytes : Arrays.copyOf(bytes, length));
    }

    private void ensure(int n) {
        long needed = (long) length + n;
        if (needed <= bytes.length) {
            return;
        }
        budget.checkStringSize(needed, what);
        if (needed > MAX_ARRAY) {
            throw new LuaError(what + ": resulting string too large");
        }
        // Doubling, but not past the limit a string may reach.
        long grown = Math.max(needed, Math.min((long) bytes.length * 2, Math.max(budget.maxStringSize(), needed)));
        grown = Math.min(grown, MAX_ARRAY);
        budget.allocate(grown);
        bytes = Arrays.copyOf(bytes, (int) grown);
    }
}
