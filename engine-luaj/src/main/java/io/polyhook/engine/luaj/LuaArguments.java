package io.polyhook.engine.luaj;

import io.polyhook.core.hook.HookIndex;
import io.polyhook.core.script.model.ArgumentKey;
import io.polyhook.core.script.model.ArgumentSink;
import io.polyhook.core.script.model.HookArguments;
import io.polyhook.core.script.model.HookContexts;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The argument table of a hook call, filled straight from the typed context
 * ({@link HookArguments#write}): the keys are Lua strings made once, the table is sized for the
 * hook's keys, no model map is built in between, and the text values come from
 * {@link ArgumentStrings}. The values are those
 * {@link LuaValues#toLua} makes of {@link HookArguments#of}'s; bytes are copied once, into the
 * Lua string that owns them.
 */
final class LuaArguments implements ArgumentSink {

    private static final LuaString[] KEYS = new LuaString[ArgumentKey.values().length];
    // Hash slots per hook: its number of keys, so the table never grows while it is filled.
    private static final int[] SIZES = new int[HookIndex.COUNT];

    static {
        for (ArgumentKey key : ArgumentKey.values()) {
            KEYS[key.ordinal()] = LuaString.valueOf(key.scriptName());
        }
        for (Hook<?> hook : Hooks.all()) {
            SIZES[HookIndex.of(hook)] = HookContexts.keys(hook).size();
        }
    }

    private final LuaTable table;

    private LuaArguments(LuaTable table) {
        this.table = table;
    }

    /** The argument table of {@code hook} for {@code context}; a fresh table, the script's to change. */
    static LuaTable of(Hook<?> hook, HookContext context) {
        LuaArguments arguments = new LuaArguments(new LuaTable(0, SIZES[HookIndex.of(hook)]));
        HookArguments.write(hook, context, arguments);
        return arguments.table;
    }

    @Override
    public void text(ArgumentKey key, String value) {
        table.rawset(KEYS[key.ordinal()], ArgumentStrings.of(value));
    }

    @Override
    public void integer(ArgumentKey key, long value) {
        table.rawset(KEYS[key.ordinal()], LuaInteger.valueOf(value));
    }

    @Override
    public void bool(ArgumentKey key, boolean value) {
        table.rawset(KEYS[key.ordinal()], LuaValue.valueOf(value));
    }

    @Override
    public void bytes(ArgumentKey key, Bytes value) {
        table.rawset(KEYS[key.ordinal()], LuaString.valueUsing(value.toByteArray()));
    }

    @Override
    public void table(ArgumentKey key, Object value) {
        table.rawset(KEYS[key.ordinal()], LuaValues.toLua(value));
    }
}
