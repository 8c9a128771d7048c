package io.polyhook.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fails a test when Netty's leak detector (PARANOID in this module's surefire config) reports a
 * leaked buffer. The detector only logs, and only when a leaked buffer has been collected and a
 * later allocation polls for it, so after each test this collects garbage and allocates a few
 * buffers before it looks at what was logged.
 *
 * <p>Registered for every test of this module through JUnit's extension auto-detection
 * ({@code junit-platform.properties} and {@code META-INF/services}); {@link HostileMqttInputScenarios}
 * also names it with {@code @ExtendWith}, inherited by both hostile-input classes, so they keep it
 * if auto-detection is ever turned off.
 */
public final class NettyLeakGuard implements BeforeEachCallback, AfterEachCallback {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        AppenderBase<ILoggingEvent> collector = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                if (e.getLevel().isGreaterOrEqual(Level.ERROR) && e.getFormattedMessage().contains("LEAK")) {
                    LEAKS.add(e.getFormattedMessage());
                }
            }
        };
        collector.setContext(detector.getLoggerContext());
        collector.start();
        detector.addAppender(collector);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        LEAKS.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 32; i++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                b.release();
                ByteBuf h = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
                h.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            String first = LEAKS.get(0);
            throw new AssertionError(LEAKS.size() + " Netty buffer leak(s) reported; the first:\n"
                    + first.substring(0, Math.min(first.length(), 4000)));
        }
    }
}
