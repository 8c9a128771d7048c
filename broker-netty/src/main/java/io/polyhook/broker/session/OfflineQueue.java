package io.polyhook.broker.session;

import io.polyhook.broker.routing.Message;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The QoS 1/2 messages an offline persistent session keeps for its next connection, bounded in
 * messages ({@code max_offline_messages}), in bytes ({@code broker.max_offline_bytes}) and by the
 * broker's total ({@code broker.max_total_queued_bytes}). Past its own bounds the queue drops its
 * oldest messages; when the broker's total is spent the new message is dropped, so that one
 * client's queue never eats into what the others already hold. Every drop is counted.
 * Not thread-safe: guarded by its session's lock.
 */
final class OfflineQueue {

    private final ArrayDeque<Message> messages = new ArrayDeque<>();
    private final ArrayDeque<Long> sizes = new ArrayDeque<>();
    private final ByteBudget budget;
    private long bytes;

    OfflineQueue(ByteBudget budget) {
        this.budget = budget;
    }

    /**
     * Queues {@code m}, first dropping the oldest messages beyond {@code maxMessages} or
     * {@code maxBytes} (a queue always has room for one message); {@code onDrop} runs per drop.
     *
     * @return whether {@code m} was queued
     */
    boolean add(Message m, int maxMessages, long maxBytes, Runnable onDrop) {
        if (maxMessages <= 0) {
            onDrop.run();
            return false;
        }
        long size = m.heapBytes();
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
    List<Message> takeAll() {
        List<Message> out = new ArrayList<>(messages);
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
