package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.spi.Hook;

/** One registered handler with its place in the order and its statistics. */
final class HandlerEntry {
    final HandlerOrigin origin;
    final Hook<?> hook;
    final int priority;
    final long originSeq;
    final long seq;
    final Object handler;
    final HandlerStats stats;

    HandlerEntry(HandlerOrigin origin, Hook<?> hook, int priority, long originSeq, long seq, Object handler,
                 HandlerStats stats) {
        this.origin = origin;
        this.hook = hook;
        this.priority = priority;
        this.originSeq = originSeq;
        this.seq = seq;
        this.handler = handler;
        this.stats = stats;
    }

    @Override
    public String toString() {
        return origin.toString();
    }
}
