package io.polyhook.engine.luaj;

/**
 * A script broke a sandbox limit: too many instructions, too deep a recursion, too large a
 * string, or its call was interrupted. The message reads {@code file:line: what}.
 *
 * <p>An {@link Error} rather than a {@code LuaError} on purpose: LuaJ's {@code pcall} catches
 * {@code LuaError} and {@code Exception} but not {@code Error}, so a script cannot swallow the
 * violation and keep looping.
 */
final class SandboxViolation extends Error {

    private static final long serialVersionUID = 1L;

    SandboxViolation(String message) {
        super(message, null, false, false);
    }
}
