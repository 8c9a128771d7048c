package io.polyhook.broker.connection;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.polyhook.broker.session.OutboundJournal;

/**
 * Before any flush of a persistent session's connection, writes the store changes its journal
 * gathered since the last one (queued messages moved in flight, acknowledgements): one
 * write-ahead log write per burst instead of one per packet, and still in the log before the
 * PUBLISH or PUBREL they record leaves the broker (Netty writes to the socket only on a flush).
 * Sits just before the connection's handler, so its own flushes and those of the channel pass it.
 */
final class JournalCommit extends ChannelOutboundHandlerAdapter {

    static final String NAME = "journal-commit";

    private final OutboundJournal journal;

    JournalCommit(OutboundJournal journal) {
        this.journal = journal;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        journal.commit();
        ctx.flush();
    }
}
