package io.polyhook.engine.graaljs;

import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What the global {@code deny(code, reason)} returns: a deny verdict with an optional MQTT 5
 * reason code (number or name such as {@code "quota_exceeded"}) and reason string, the
 * counterpart of Lua's {@code return false, code, reason}. A host object, so a script cannot
 * forge one; it shows {@code code} and {@code reason} read-only.
 */
final class Denial implements ProxyObject {

    private final Object code;
    private final Object reason;

    private Denial(Object code, Object reason) {
        this.code = code;
        this.reason = reason;
    }

    /** {@code deny(code?, reason?)}, with the arguments as model values. */
    static Denial of(Object code, Object reason) {
        return new Denial(code, reason);
    }

    /** The values after {@code false}, as {@link io.polyhook.core.script.model.HookResults} takes them. */
    List<Object> more() {
        List<Object> more = new ArrayList<>(2);
        if (code != null || reason != null) {
            more.add(code);
            more.add(reason);
        }
        return more;
    }

    @Override
    public Object getMember(String key) {
        return switch (key) {
            case "code" -> code;
            case "reason" -> reason;
            default -> null;
        };
    }

    @Override
    public Object getMemberKeys() {
        return ProxyArray.fromArray("code", "reason");
    }

    @Override
    public boolean hasMember(String key) {
        return key.equals("code") || key.equals("reason");
    }

    @Override
    public void putMember(String key, Value value) {
        throw new UnsupportedOperationException("a deny() result is read-only");
    }
}
