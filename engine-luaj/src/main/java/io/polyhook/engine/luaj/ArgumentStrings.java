package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaString;

/**
 * The Lua strings of the text arguments of hook calls (client id, mountpoint, username, topic),
 * remembered by their Java string: a client sends the same client id, mountpoint and username with
 * every message and mostly the same few topics, and making a {@link LuaString} of a Java string
 * encodes it to UTF-8, hashes the bytes twice and allocates, where finding it here is the Java
 * string's own (cached) hash and one {@link String#equals}. In the profile of a Lua
 * {@code auth_on_publish} on the dispatcher's path that making was a quarter of the whole call.
 *
 * <p>A fixed table of {@value #SLOTS} slots, one entry each, shared by every state: a miss
 * replaces the slot's entry. Only strings of up to {@value #MAX_LENGTH} chars are kept, so the
 * table holds at most some {@value #SLOTS} × {@value #MAX_LENGTH} chars whatever clients send.
 * Lua strings are immutable values, so one can serve every state and script. Entries are
 * immutable records read and written without a lock: a racing reader sees either entry whole
 * (final fields), and a lost write only costs a later miss.
 */
final class ArgumentStrings {

    static final int SLOTS = 512;
    static final int MAX_LENGTH = 256;

    private record Entry(String text, LuaString lua) {
    }

    private static final Entry[] TABLE = new Entry[SLOTS];

    private ArgumentStrings() {
    }

    /** The Lua string of {@code text}, equal to {@link LuaString#valueOf(String)}'s. */
    static LuaString of(String text) {
        if (text.length() > MAX_LENGTH) {
            return LuaString.valueOf(text);
        }
        int h = text.hashCode();
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        Entry e = TABLE[slot];
        if (e != null && (e.text == text || e.text.equals(text))) {
            return e.lua;
        }
        LuaString lua = LuaString.valueOf(text);
        TABLE[slot] = new Entry(text, lua);
        return lua;
    }
}
