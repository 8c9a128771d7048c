package io.polyhook.engine.graaljs;

import io.polyhook.core.script.EngineSettings;

import java.util.List;
import java.util.Map;

/**
 * The engine's options, read from {@link io.polyhook.core.script.ScriptEnvironment#settings()};
 * the keys are documented on {@link GraalJsEngine}.
 *
 * @param keepState          default of {@code keep_state} for scripts that do not set it
 * @param sandbox            the sandbox is on (host access, IO, threads, processes, native
 *                           access and environment blocked; extra globals removed)
 * @param limitExecution     a per-call statement limit and interrupts are honoured
 * @param statementLimit     statements per call, and for running the file at load
 * @param maxStringLength    longest string a script can build, in UTF-16 chars
 * @param maxTypedArrayLength longest typed array (and ArrayBuffer) a script can allocate
 * @param maxArrayLength     longest array (or array-like) the array built-ins work on
 * @param maxCallMemory      heap bytes one call (or the file's run at load) may allocate; 0 for no cap
 */
record JsSettings(boolean keepState, boolean sandbox, boolean limitExecution, long statementLimit,
                  long maxStringLength, long maxTypedArrayLength, long maxArrayLength, long maxCallMemory) {

    static final long DEFAULT_STATEMENT_LIMIT = 1_000_000;
    static final long DEFAULT_MAX_STRING_SIZE = 16L << 20;
    static final long DEFAULT_MAX_ARRAY_LENGTH = 1L << 20;
    static final long DEFAULT_MAX_CALL_MEMORY = 256L << 20;

    // Keys of the Lua engine's sandbox map: accepted so that one settings map can serve both
    // engines; they have no separate switch here (the JavaScript sandbox is all or nothing).
    private static final List<String> LUA_ONLY = List.of("block_luajava", "block_io", "restrict_os", "hide_debug",
            "confine_files", "block_bytecode", "block_coroutines", "max_call_depth");
    private static final List<String> KNOWN = List.of("enabled", "limit_execution", "statement_limit",
            "instruction_limit", "max_string_size", "max_typed_array_length", "max_array_length", "max_call_memory");

    static JsSettings defaults() {
        return of(Map.of());
    }

    /**
     * Reads the settings.
     *
     * @throws IllegalArgumentException naming the key, for an unknown sandbox key or a value of
     *                                  the wrong type
     */
    static JsSettings of(Map<String, Object> settings) {
        EngineSettings read = EngineSettings.of(settings, KNOWN, LUA_ONLY);
        boolean enabled = read.sandboxSwitch("enabled", true);
        boolean limit = enabled && read.sandboxSwitch("limit_execution", true);
        long statements = read.sandboxHas("statement_limit")
                ? read.sandboxLimit("statement_limit", DEFAULT_STATEMENT_LIMIT)
                : read.sandboxLimit("instruction_limit", DEFAULT_STATEMENT_LIMIT);
        long strings = Math.min(read.sandboxLimit("max_string_size", DEFAULT_MAX_STRING_SIZE), Integer.MAX_VALUE - 32);
        long arrays = Math.min(read.sandboxLimit("max_typed_array_length", strings), Integer.MAX_VALUE - 32);
        long arrayLength = Math.min(read.sandboxLimit("max_array_length", DEFAULT_MAX_ARRAY_LENGTH), 1L << 53);
        long memory = read.sandboxLimit("max_call_memory", DEFAULT_MAX_CALL_MEMORY);
        return new JsSettings(read.keepState(), enabled, limit, statements, strings, arrays, arrayLength,
                Allocations.supported() ? memory : 0);
    }
}
