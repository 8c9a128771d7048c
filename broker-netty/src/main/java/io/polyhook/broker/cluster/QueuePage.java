package io.polyhook.broker.cluster;

import io.polyhook.broker.routing.Message;

import java.util.List;

/**
 * One page of a moving session's queue, oldest first: a session's queue travels between nodes a
 * page at a time, so that neither node holds all of it in its heap.
 *
 * @param messages the next messages of the queue, in order
 * @param last     whether the queue ends with them
 */
public record QueuePage(List<Message> messages, boolean last) {

    /** The end of the queue, with nothing more. */
    public static final QueuePage END = new QueuePage(List.of(), true);

    /** Copies the messages. */
    public QueuePage {
        messages = List.copyOf(messages);
    }
}
