package io.polyhook.engine.luaj;

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

    private static final List<String> PARTS = List.of("enabled", "block_luajava", "block_io", "restrict_os",
            "hide_debug", "confine_files", "block_bytecode", "block_coroutines", "limit_execution");
    private static final List<String> NUMBERS = List.of("instruction_limit", "max_call_depth", "max_string_size");

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
        boolean keepState = bool("keep_state", settings.get("keep_state"), false);
        Object raw = settings.get("sandbox");
        Map<?, ?> sandbox = raw == null ? Map.of() : raw instanceof Map<?, ?> m ? m : null;
        if (sandbox == null) {
            throw new IllegalArgumentException("sandbox must be a map, was " + raw);
        }
        for (Object key : sandbox.keySet()) {
            if (!PARTS.contains(String.valueOf(key)) && !NUMBERS.contains(String.valueOf(key))) {
                throw new IllegalArgumentException("unknown sandbox setting '" + key + "'; known: "
                        + String.join(", ", PARTS) + ", " + String.join(", ", NUMBERS));
            }
        }
        boolean all = bool("sandbox.enabled", sandbox.get("enabled"), true);
        return new LuaSettings(keepState,
                part(sandbox, "block_luajava", all), part(sandbox, "block_io", all), part(sandbox, "restrict_os", all),
                part(sandbox, "hide_debug", all), part(sandbox, "confine_files", all),
                part(sandbox, "block_bytecode", all), part(sandbox, "block_coroutines", all),
                part(sandbox, "limit_execution", all),
                positive(sandbox, "instruction_limit", DEFAULT_INSTRUCTION_LIMIT),
                (int) Math.min(positive(sandbox, "max_call_depth", DEFAULT_MAX_CALL_DEPTH), 100_000),
                positive(sandbox, "max_string_size", DEFAULT_MAX_STRING_SIZE));
    }

    private static boolean part(Map<?, ?> sandbox, String key, boolean all) {
        return all && bool("sandbox." + key, sandbox.get(key), true);
    }

    private static boolean bool(String key, Object value, boolean def) {
        if (value == null) {
            return def;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(key + " must be true or false, was " + value);
    }

    private static long positive(Map<?, ?> sandbox, String key, long def) {
        Object value = sandbox.get(key);
        if (value == null) {
            return def;
        }
        if (value instanceof Number n && n.longValue() > 0 && n.doubleValue() == n.longValue()) {
            return n.longValue();
        }
        throw new IllegalArgumentException("sandbox." + key + " must be a positive integer, was " + value);
    }
}
