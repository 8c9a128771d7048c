package io.polyhook.core.hook;

/** What a handler call that missed its deadline counts as. */
public enum TimeoutFallback {
    /** The chain stops with a deny (for rewrite hooks: the request goes on unchanged). */
    DENY,
    /** The handler is skipped and the chain asks the next one. */
    NEXT
}
