package io.polyhook.broker.connection;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayList;

/**
 * The outboxes an event loop wrote to since its last flush task: one task flushes them all
 * after the current burst, instead of a task per subscriber of a fan-out.
 */
final class LoopFlushes {
    private static final FastThreadLocal<LoopFlushes> LOOP = new FastThreadLocal<>() {
        @Override
        protected LoopFlushes initialValue() {
            return new LoopFlushes();
        }
    };

    private final ArrayList<Outbox> outboxes = new ArrayList<>();
    private final Runnable flushAll = this::flushAll;
    private EventExecutor executor;

    private LoopFlushes() {
    }

    /** The current event loop's. */
    static LoopFlushes get() {
        return LOOP.get();
    }

    /** {@code o}, whose channel is on {@code e}, flushes after the current burst. */
    void add(Outbox o, EventExecutor e) {
        if (outboxes.isEmpty()) {
            executor = e;
            e.execute(flushAll);
        } else if (executor != e) {
            // Several executors on one thread (EmbeddedChannel tests): each flushes its own.
            e.execute(o::flushNow);
            return;
        }
        outboxes.add(o);
    }

    private void flushAll() {
        // By index: a flush that makes a channel writable again may add outboxes meanwhile.
        for (int i = 0; i < outboxes.size(); i++) {
            outboxes.get(i).flushNow();
        }
        outboxes.clear();
    }
}
