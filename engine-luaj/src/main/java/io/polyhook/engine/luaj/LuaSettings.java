package io.polyhook.engine.luaj;

import io.polyhook.core.script.EngineSettings;

import java.util.List;
import java.util.Map;

/**
 * The engine's options, read from {@link io.polyhook.core.script.ScriptEnvironment#settings()};
 * the keys are documented on {@link LuaEngine}.
 */
record LuaSettings(boolean keepState, boolean blockLuajava, boolean blockIo, boolean restrictOs, boolean hideDebug,
                   boolean confineFiles, boolean blockBytecode, boolean blockCoroutines, boolean limitExecution,
                   long instructionLimit, int maxCallDepth, long maxStringSize) {

    static final long DEFAULT_INSTRUCTION_LIMIT = 1_000_000;
    static final int DEFAULT_MAX_CALL_DEPTH = 200;
    static final long DEFAULT_MAX_STRING_SIZE = 16L << 20;

    private static final List<String> KNOWN = List.of("enabled", "block_luajava", "block_io", "restrict_os",
            "hide_debug", "confine_files", "block_bytecode", "block_coroutines", "limit_execution",
            "instruction_limit", "max_call_depth", "max_string_size");

    static LuaSettings defaults() {
        return of(Map.of());
    }

    /**
     * Reads the settings.
     *
     * @throws IllegalArgumentException naming the key, for an unknown sandbox key or a value of
     *                                  the wrong type
     */
    static LuaSettings of(Map<String, Object> settings) {
        EngineSettings read = EngineSettings.of(settings, KNOWN, List.of());
        boolean all = read.sandboxSwitch("enabled", true);
        return new LuaSettings(read.keepState(),
                part(read, "block_luajava", all), part(read, "block_io", all),
                part(read, "restrict_os", all), part(read, "hide_debug", all),
                part(read, "confine_files", all), part(read, "block_bytecode", all),
                part(read, "block_coroutines", all), part(read, "limit_execution", all),
                read.sandboxLimit("instruction_limit", DEFAULT_INSTRUCTION_LIMIT),
                (int) Math.min(read.sandboxLimit("max_call_depth", DEFAULT_MAX_CALL_DEPTH), 100_000),
                read.sandboxLimit("max_string_size", DEFAULT_MAX_STRING_SIZE));
    }

    /** A part of the sandbox: on unless it or the whole sandbox is switched off. */
    private static boolean part(EngineSettings read, String key, boolean all) {
        return all && read.sandboxSwitch(key, true);
    }
}
