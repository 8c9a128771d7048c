package io.polyhook.engine.luaj;

import io.polyhook.core.script.ScriptSource;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Evaluates Lua expressions in a state of the engine (its libraries, compiler and sandbox), as a script's code runs. */
final class LuaExpressions {

    private final LuaState state;

    LuaExpressions(Path dir) {
        state = new LuaState(1, new ScriptSource(dir.resolve("expr.lua"), dir), LuaSettings.defaults(), List.of(),
                Duration.ofSeconds(5));
    }

    /**
     * The values of {@code return <expressions>}.
     *
     * @throws LuaError as the code raised it, its message positioned {@code expr:1: ...}
     */
    Varargs values(String expressions) {
        run("__values = table.pack((function() return " + expressions + "\nend)())");
        LuaTable t = (LuaTable) state.global("__values");
        LuaValue[] values = new LuaValue[t.get("n").toint()];
        for (int i = 0; i < values.length; i++) {
            values[i] = t.get(i + 1);
        }
        return LuaValue.varargsOf(values);
    }

    /** Runs a chunk named {@code expr}. */
    void run(String chunk) {
        Prototype p;
        try {
            p = LuaSandbox.compile(state.globalsForCompile(), chunk, "=expr");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        state.run(p);
    }
}
