package io.polyhook.broker.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.polyhook.broker.failure.FatalErrorHandler;
import io.polyhook.broker.failure.ThreadFailures;

import java.util.concurrent.TimeUnit;

/**
 * The broker's Netty event loops: one that accepts, and one per core twice over for the
 * connections. A loop that an error stops before {@link #close()} is fatal
 * ({@link ThreadFailures#watch}): the connections bound to it would hang for ever.
 */
final class EventLoops implements AutoCloseable {

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private volatile boolean closing;

    /** Loops on epoll where available, NIO otherwise. */
    EventLoops(FatalErrorHandler fatal) {
        this(Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory(), 0, fatal);
    }

    /** Loops over {@code io}; {@code workerThreads} 0: Netty's default (twice the cores). */
    EventLoops(IoHandlerFactory io, int workerThreads, FatalErrorHandler fatal) {
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("polyhook-accept"), io);
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads, new DefaultThreadFactory("polyhook-loop"), io);
        ThreadFailures.watch("polyhook-accept", boss, () -> closing, fatal);
        ThreadFailures.watch("polyhook-loop", workers, () -> closing, fatal);
    }

    EventLoopGroup boss() {
        return boss;
    }

    EventLoopGroup workers() {
        return workers;
    }

    @Override
    public void close() {
        closing = true;
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
