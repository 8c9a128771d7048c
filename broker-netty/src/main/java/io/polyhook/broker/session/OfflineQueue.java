package io.polyhook.broker.session;

import io.polyhook.broker.routing.Message;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The QoS 1/2 messages an offline persistent session keeps for its next connection, bounded in
 * messages ({@code max_offline_messages}), in bytes ({@code broker.max_offline_bytes}) and by the
 * broker's total ({@code broker.max_total_queued_bytes}). Past its own bounds the queue drops its
 * oldest messages; when the broker's total is spent the new message is dropped, so that one
 * client's queue never eats into what the others already hold. Every drop is counted.
 * Not thread-safe: guarded by its session's lock (or its {@link HandoverHold}'s).
 *
 * @param <T> what it holds: a message, or a message with what travels with it
 */
final class OfflineQueue<T> {

    private final ArrayDeque<T> messages = new ArrayDeque<>();
    private final ArrayDeque<Long> sizes = new ArrayDeque<>();
    private final ByteBudget budget;
    private final ToLongFunction<T> heapBytes;
    private long bytes;

    /** A queue of {@code T}s that each hold {@code heapBytes} of the heap, drawing on {@code budget}. */
    OfflineQueue(ByteBudget budget, ToLongFunction<T> heapBytes) {
        this.budget = budget;
        this.heapBytes = heapBytes;
    }

    /** A queue of messages drawing on {@code budget}. */
    static OfflineQueue<Message> of(ByteBudget budget) {
        return new OfflineQueue<>(budget, Message::heapBytes);
    }

    /**
     * Queues {@code m}, first dropping the oldest messages beyond {@code maxMessages} or
     * {@code maxBytes} (a queue always has room for one message); {@code onDrop} runs per drop.
     *
     * @return whether {@code m} was queued
     */
    boolean add(T m, int maxMessages, long maxBytes, Runnable onDrop) {
        if (maxMessages <= 0) {
            onDrop.run();
            return false;
        }
        long size = heapBytes.applyAsLong(m);
        while (!messages.isEmpty() && (messages.size() >= maxMessages || bytes + size > maxBytes)) {
            removeOldest();
            onDrop.run();
        }
        if (!budget.tryTake(size)) {
            onDrop.run();
            return false;
        }
        messages.addLast(m);
        sizes.addLast(size);
        bytes += size;
        return true;
    }

    private void removeOldest() {
        messages.pollFirst();
        long size = sizes.pollFirst();
        bytes -= size;
        budget.giveBack(size);
    }

    /** Empties the queue; returns its messages, oldest first. */
    List<T> takeAll() {
        List<T> out = new ArrayList<>(messages);
        clear();
        return out;
    }

    /** Forgets every message. */
    void clear() {
        messages.clear();
        sizes.clear();
        budget.giveBack(bytes);
        bytes = 0;
    }

    int size() {
        return messages.size();
    }

    long bytes() {
        return bytes;
    }
}
