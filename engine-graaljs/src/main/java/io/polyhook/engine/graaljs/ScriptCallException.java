package io.polyhook.engine.graaljs;

/**
 * A hook call failed inside the script: a JavaScript error, a sandbox limit, no free context. The
 * message is {@code file:line: message} when the line is known and never carries the hook's
 * arguments.
 */
final class ScriptCallException extends Exception {

    private static final long serialVersionUID = 1L;

    ScriptCallException(String message) {
        super(message, null, false, false);
    }
}
