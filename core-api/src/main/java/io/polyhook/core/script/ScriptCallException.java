package io.polyhook.core.script;

/**
 * A hook call failed inside a script: a script error, a sandbox limit, no free state. The message
 * is {@code file:line: message} when the line is known and never carries the hook's arguments
 * (they may hold a password). The dispatcher logs it and treats the call as failed.
 */
public final class ScriptCallException extends Exception {

    private static final long serialVersionUID = 1L;

    /** A failure with its message; no stack trace is kept, the message says where. */
    public ScriptCallException(String message) {
        super(message, null, false, false);
    }
}
