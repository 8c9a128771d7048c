package io.polyhook.engine.luaj;

/**
 * A hook call failed inside the script: a Lua error, a sandbox violation, no free state. The
 * message is {@code file:line: message} when the line is known and never carries the hook's
 * arguments.
 */
final class ScriptCallException extends Exception {

    private static final long serialVersionUID = 1L;

    ScriptCallException(String message) {
        super(message, null, false, false);
    }
}
