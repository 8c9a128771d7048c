package io.polyhook.core.script;

import io.polyhook.spi.HookContext;
import io.polyhook.spi.RegisterContext;

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

    /**
     * A failure of a call with {@code context}, its message with the client's password blotted
     * out: a script error may quote any value it was given, and the message is logged.
     */
    public static ScriptCallException of(String message, HookContext context) {
        if (context instanceof RegisterContext r && r.password().isPresent()) {
            String password = r.password().get().toUtf8String();
            if (!password.isEmpty()) {
                return new ScriptCallException(message.replace(password, "******"));
            }
        }
        return new ScriptCallException(message);
    }
}
