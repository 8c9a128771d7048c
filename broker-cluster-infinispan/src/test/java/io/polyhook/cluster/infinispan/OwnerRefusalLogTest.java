package io.polyhook.cluster.infinispan;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.polyhook.broker.cluster.ClusterException;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The owner cache on the minority side of a split refuses every call: the node says so in one
 * line, and no refused call is logged with a stack trace (Infinispan logs an ERROR with one per
 * call it refuses itself). A cluster of its own: a split right after another one's heal can
 * catch the caches still resolving their conflicts.
 */
class OwnerRefusalLogTest {

    @RegisterExtension
    static final SplitCluster cluster = new SplitCluster();

    @Test
    void refusedOwnerCallsOnTheMinorityLogOneLineAndNoStackTrace() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> whole = capture(root);
        ListAppender<ILoggingEvent> steady = null;
        try {
            cluster.split();
            SubscriberId id = new SubscriberId("", "looked-up-during-split");
            TestCluster.await("node3's owner cache refuses", () -> lookUpRefused(id));
            // Calls in flight when the cache turns degraded are checked by Infinispan after they waited for
            // the new topology, so it may log those; every call after that is refused before it is made.
            steady = capture(root);
            for (int i = 0; i < 20; i++) {
                assertThat(lookUpRefused(id)).isTrue();
            }
            root.detachAppender(steady);
            root.detachAppender(whole);

            assertThat(steady.list).as("no refused call is logged with a stack trace")
                    .noneMatch(e -> e.getThrowableProxy() != null)
                    .noneMatch(e -> e.getLevel() == Level.ERROR);
            assertThat(whole.list.stream().filter(e -> e.getFormattedMessage().contains("the owner cache refuses calls")))
                    .as("one line for the whole refusal").singleElement()
                    .satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.WARN))
                    .satisfies(e -> assertThat(e.getThrowableProxy()).isNull());
        } finally {
            root.detachAppender(whole);
            if (steady != null) {
                root.detachAppender(steady);
            }
            cluster.heal();
        }
    }

    static ListAppender<ILoggingEvent> capture(Logger root) {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        return log;
    }

    /** Whether looking up the owner of {@code id} on node3 failed with the cluster's UNAVAILABLE. */
    static boolean lookUpRefused(SubscriberId id) {
        try {
            cluster.node(3).ownership().owner(id).toCompletableFuture().get(60, TimeUnit.SECONDS);
            return false;
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ClusterException.class);
            assertThat(((ClusterException) e.getCause()).reason()).isEqualTo(ClusterException.Reason.UNAVAILABLE);
            return true;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
