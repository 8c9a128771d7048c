package io.polyhook.engine.luaj;

import io.polyhook.core.provider.ProviderOptions;
import io.polyhook.core.script.EngineSettings;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The engine's options, read from {@link io.polyhook.core.script.ScriptEnvironment#settings()};
 * the keys are documented on {@link LuaEngine}.
 *
 * @param instructionLimit Lua instructions per call and per load, or 0 for no such limit (the
 *                         default: runaway code is stopped by time and memory instead)
 * @param loadTimeout      how long the file's top-level code may run when a state loads it
 * @param maxMemory        the most memory, in bytes, one state may hold while it runs Lua code
 */
record LuaSettings(boolean keepState, boolean blockLuajava, boolean blockIo, boolean restrictOs, boolean hideDebug,
                   boolean confineFiles, boolean blockBytecode, boolean blockCoroutines, boolean limitExecution,
                   long instructionLimit, int maxCallDepth, long maxStringSize, long maxMemory,
                   Duration loadTimeout) {

    static final int DEFAULT_MAX_CALL_DEPTH = 200;
    static final long DEFAULT_MAX_STRING_SIZE = 16L << 20;
    static final long DEFAULT_MAX_MEMORY = 64L << 20;
    static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofSeconds(10);

    /** Where the sandbox's keys live in the broker's config, for messages that name one. */
    static final String KEY_PREFIX = "scripts.lua.sandbox.";

    private static final List<String> KNOWN = List.of("enabled", "block_luajava", "block_io", "restrict_os",
            "hide_debug", "confine_files", "block_bytecode", "block_coroutines", "limit_execution",
            "instruction_limit", "max_call_depth", "max_string_size", "max_memory", "load_timeout");

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
                read.sandboxLimit("instruction_limit", 0),
                (int) Math.min(read.sandboxLimit("max_call_depth", DEFAULT_MAX_CALL_DEPTH), 100_000),
                Math.min(read.sandboxLimit("max_string_size", DEFAULT_MAX_STRING_SIZE), Integer.MAX_VALUE - 8),
                read.sandboxLimit("max_memory", DEFAULT_MAX_MEMORY),
                duration(read, settings, "load_timeout", DEFAULT_LOAD_TIMEOUT));
    }

    /** A part of the sandbox: on unless it or the whole sandbox is switched off. */
    private static boolean part(EngineSettings read, String key, boolean all) {
        return all && read.sandboxSwitch(key, true);
    }

    /** A duration key: milliseconds, or text such as {@code "10s"} or {@code "500ms"}. */
    private static Duration duration(EngineSettings read, Map<String, Object> settings, String key, Duration absent) {
        if (!read.sandboxHas(key)) {
            return absent;
        }
        Object value = ((Map<?, ?>) settings.get("sandbox")).get(key);
        Duration d = ProviderOptions.parseDuration(value);
        if (d == null) {
            throw new IllegalArgumentException("sandbox." + key + " must be a duration such as \"10s\" or \"500ms\", was "
                    + value);
        }
        return d;
    }
}
