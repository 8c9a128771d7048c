package io.polyhook.core.script;

import java.util.List;
import java.util.Map;

/**
 * An engine's settings ({@link ScriptEnvironment#settings()}) with the checks every engine makes:
 * {@code keep_state} is a boolean, {@code sandbox} a map without unknown keys (so a typo is not a
 * silent hole), its switches booleans and its limits positive integers. Each failure is an
 * {@link IllegalArgumentException} naming the key; the engine turns it into a load failure.
 */
public final class EngineSettings {

    private final boolean keepState;
    private final Map<?, ?> sandbox;

    private EngineSettings(boolean keepState, Map<?, ?> sandbox) {
        this.keepState = keepState;
        this.sandbox = sandbox;
    }

    /**
     * Checks the shape of {@code settings}.
     *
     * @param known   the sandbox keys the engine reads, listed in the error about an unknown key
     * @param ignored sandbox keys accepted without effect: another engine's, so that one map can
     *                serve both
     * @throws IllegalArgumentException if {@code keep_state} is no boolean, {@code sandbox} no map,
     *                                  or it has a key of neither list
     */
    public static EngineSettings of(Map<String, Object> settings, List<String> known, List<String> ignored) {
        boolean keepState = bool("keep_state", settings.get("keep_state"), false);
        Object raw = settings.get("sandbox");
        Map<?, ?> sandbox = raw == null ? Map.of() : raw instanceof Map<?, ?> m ? m : null;
        if (sandbox == null) {
            throw new IllegalArgumentException("sandbox must be a map, was " + raw);
        }
        for (Object key : sandbox.keySet()) {
            if (!known.contains(String.valueOf(key)) && !ignored.contains(String.valueOf(key))) {
                throw new IllegalArgumentException("unknown sandbox setting '" + key + "'; known: "
                        + String.join(", ", known));
            }
        }
        return new EngineSettings(keepState, sandbox);
    }

    /** {@code keep_state}: the default for scripts that do not set the global; false if absent. */
    public boolean keepState() {
        return keepState;
    }

    /** Whether the sandbox sets {@code key}. */
    public boolean sandboxHas(String key) {
        return sandbox.containsKey(key);
    }

    /** The sandbox switch {@code key}, or {@code absent} if it is not set. */
    public boolean sandboxSwitch(String key, boolean absent) {
        return bool("sandbox." + key, sandbox.get(key), absent);
    }

    /** The sandbox limit {@code key}, a positive integer, or {@code absent} if it is not set. */
    public long sandboxLimit(String key, long absent) {
        Object value = sandbox.get(key);
        if (value == null) {
            return absent;
        }
        if (value instanceof Number n && n.longValue() > 0 && n.doubleValue() == n.longValue()) {
            return n.longValue();
        }
        throw new IllegalArgumentException("sandbox." + key + " must be a positive integer, was " + value);
    }

    private static boolean bool(String key, Object value, boolean absent) {
        if (value == null) {
            return absent;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(key + " must be true or false, was " + value);
    }
}
