package io.polyhook.broker.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.ThreadAwareExecutor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** An event loop that an error stops is fatal; a loop stopped by {@link EventLoops#close()} is not. */
class EventLoopsTest {

    /**
     * NIO, except that the first run loop to turn after {@link #fail} is set throws
     * {@code OutOfMemoryError}: one loop only, as the accepting loop and the other workers share
     * this factory and would otherwise each die at their next turn.
     */
    private static final class FailingIo implements IoHandlerFactory {
        final AtomicBoolean fail = new AtomicBoolean();
        private final IoHandlerFactory nio = NioIoHandler.newFactory();

        @Override
        public IoHandler newHandler(ThreadAwareExecutor executor) {
            IoHandler real = nio.newHandler(executor);
            return new IoHandler() {
                @Override
                public void initialize() {
                    real.initialize();
                }

                @Override
                public int run(IoHandlerContext context) {
                    if (fail.compareAndSet(true, false)) {
                        throw new OutOfMemoryError("Java heap space (test)");
                    }
                    return real.run(context);
                }

                @Override
                public void prepareToDestroy() {
                    real.prepareToDestroy();
                }

                @Override
                public void destroy() {
                    real.destroy();
                }

                @Override
                public IoRegistration register(IoHandle handle) throws Exception {
                    return real.register(handle);
                }

                @Override
                public void wakeup() {
                    real.wakeup();
                }

                @Override
                public boolean isCompatible(Class<? extends IoHandle> handleType) {
                    return real.isCompatible(handleType);
                }
            };
        }
    }

    @Test
    void aLoopThatAnErrorStopsIsReportedAsFatalOnce() throws InterruptedException {
        FailingIo io = new FailingIo();
        List<String> fatal = new CopyOnWriteArrayList<>();
        CountDownLatch reported = new CountDownLatch(1);
        EventLoops loops = new EventLoops(io, 2, (reason, cause) -> {
            fatal.add(reason);
            reported.countDown();
        });
        try {
            loops.workers().next().submit(() -> { }).syncUninterruptibly();
            io.fail.set(true);
            loops.workers().next().execute(() -> { });
            assertThat(reported.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(fatal).hasSize(1);
            assertThat(fatal.get(0)).startsWith("event loop polyhook-loop #").contains("stopped by an error")
                    .doesNotContain("\n");
        } finally {
            io.fail.set(false);
            loops.close();
        }
        assertThat(fatal).as("the others stop by close(), which is not fatal").hasSize(1);
    }

    @Test
    void closingTheLoopsIsNotFatal() {
        List<String> fatal = new CopyOnWriteArrayList<>();
        EventLoops loops = new EventLoops(NioIoHandler.newFactory(), 2, (reason, cause) -> fatal.add(reason));
        loops.workers().next().submit(() -> { }).syncUninterruptibly();
        loops.boss().next().submit(() -> { }).syncUninterruptibly();
        loops.close();
        assertThat(fatal).isEmpty();
    }
}
