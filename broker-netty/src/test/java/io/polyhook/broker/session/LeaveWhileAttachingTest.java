package io.polyhook.broker.session;

import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.RetainedStore;
import io.polyhook.broker.routing.Router;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.store.BrokerStore;
import io.polyhook.broker.store.InMemoryBrokerStore;
import io.polyhook.broker.store.RecoveredSession;
import io.polyhook.broker.store.StoreBatch;
import io.polyhook.broker.store.StoredSession;
import io.polyhook.broker.sys.BrokerStats;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.SubscriberId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that reconnects while its previous connection is still giving the session back (a
 * slow-consumer DISCONNECT reaches the client before the broker's event loop has finished
 * leaving): the new connection gets everything the old one left, whichever comes first. The
 * interleaving is forced: the leaving connection stops at a gate after it was detached (at the
 * messages that never went out, or at the store's record of its leaving), the new connection
 * attaches from another thread, and only once that has attached or waits for the leaving thread
 * does the leave go on.
 */
class LeaveWhileAttachingTest {

    private static final long WAIT_SECONDS = 30;
    private static final SubscriberId ID = new SubscriberId("", "reconnecting");

    private final BrokerSettings settings = BrokerSettings.DEFAULT;
    private final HookDispatcher dispatcher = new HookDispatcher(new HookRegistry(), DispatchSettings.defaults());
    private final SessionRegistry registry = new SessionRegistry(settings, dispatcher,
            new Router(settings, new SubscriptionTree(), new RetainedStore()), new BrokerStats());
    private final InMemoryBrokerStore store = new InMemoryBrokerStore();

    @AfterEach
    void tearDown() {
        registry.close();
        dispatcher.close();
        store.close();
    }

    @Test
    void aSessionOnTheHeapGivesTheNewConnectionWhatTheOldOneLeft() throws Exception {
        // The leave stops at its first look at the messages that never went out.
        Gate gate = new Gate();
        Race race = leaveWhileAttaching(gate, List.of(new InFlight(7, msg("0"), false)),
                gate.guard(List.of(msg("1"), msg("2"))));

        assertThat(race.resent()).extracting(f -> f.message().topic()).containsExactly("0");
        assertThat(race.queuedOrDelivered()).extracting(Message::topic).containsExactly("1", "2");
        assertThat(race.attached().session().queued()).isZero();
    }

    @Test
    void aStoredSessionStaysTheNewConnectionsInTheStoreAndForWhatIsRoutedLater() throws Exception {
        // The leave stops as it writes the session's record with the time it went offline.
        Gate gate = new Gate();
        registry.persistence(new DurableSessions(Optional.of(gatedAtOfflineRecord(gate))));
        Race race = leaveWhileAttaching(gate, List.of(new InFlight(7, msg("0"), false)), List.of(msg("1")));

        List<RecoveredSession> stored = new ArrayList<>();
        store.recover(stored::add);
        assertThat(stored).singleElement().satisfies(s -> assertThat(s.session().disconnectedAt())
                .as("the stored record says offline while a connection is attached").isEmpty());
        OutboundJournal journal = race.attached().journal();
        assertThat(journal.page(10)).extracting(Message::topic).containsExactly("1");
        assertThat(journal.page(10)).isEmpty();
        race.attached().session().deliver(msg("live"));
        assertThat(race.second().delivered).extracting(Message::topic).containsExactly("live");
    }

    // ---------------------------------------------------------------- the forced interleaving

    /** What the second connection was given: at its attach, and afterwards by the leaving one. */
    private record Race(SessionRegistry.Attached attached, RecordingConnection second) {
        List<InFlight> resent() {
            return Stream.concat(attached.resend().stream(), second.resent.stream()).toList();
        }

        List<Message> queuedOrDelivered() {
            return Stream.concat(attached.queued().stream(), second.delivered.stream()).toList();
        }
    }

    /**
     * The first connection leaves, leaving {@code unacknowledged} and {@code neverSent}, on a thread
     * of its own that stops at {@code gate}; then the second one attaches from another thread; the
     * leave goes on once that has attached or waits for the leaving thread.
     */
    private Race leaveWhileAttaching(Gate gate, List<InFlight> unacknowledged, List<Message> neverSent) throws Exception {
        RecordingConnection first = new RecordingConnection();
        RecordingConnection second = new RecordingConnection();
        SessionRegistry.Attached firstAttached = registry.connect(persistent(), first);

        Thread leaving = start("leaving", () -> registry.disconnected(firstAttached.session(), first, unacknowledged,
                neverSent));
        assertThat(gate.reached.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the leave reached the gate").isTrue();
        AtomicReference<SessionRegistry.Attached> secondAttached = new AtomicReference<>();
        Thread attaching = start("attaching", () -> secondAttached.set(registry.connect(persistent(), second)));
        awaitDoneOrWaitingFor(attaching, leaving);
        gate.open.countDown();
        leaving.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        attaching.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(leaving.isAlive() || attaching.isAlive()).as("both threads finished").isFalse();
        assertThat(failure.get()).isNull();
        assertThat(secondAttached.get().sessionPresent()).isTrue();
        return new Race(secondAttached.get(), second);
    }

    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Thread start(String name, Runnable task) {
        Thread t = new Thread(() -> {
            try {
                task.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Until {@code t} has finished or waits for a lock {@code holder} holds (polled, at most 30 s). */
    private static void awaitDoneOrWaitingFor(Thread t, Thread holder) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (t.isAlive()) {
            ThreadInfo info = threads.getThreadInfo(t.threadId());
            if (info != null && info.getLockOwnerId() == holder.threadId()) {
                return;
            }
            assertThat(System.nanoTime()).as("the attach neither finished nor waited for the leave").isLessThan(deadline);
            Thread.yield();
        }
    }

    /**
     * {@link #store} through a proxy whose batches stop at the gate when they write a session's
     * record with the time it went offline.
     */
    private BrokerStore gatedAtOfflineRecord(Gate gate) {
        return (BrokerStore) Proxy.newProxyInstance(BrokerStore.class.getClassLoader(), new Class<?>[] {BrokerStore.class},
                (proxy, method, args) -> {
                    Object result = invoke(store, method, args);
                    if (!method.getName().equals("batch")) {
                        return result;
                    }
                    StoreBatch b = (StoreBatch) result;
                    return Proxy.newProxyInstance(StoreBatch.class.getClassLoader(), new Class<?>[] {StoreBatch.class},
                            (p, m, a) -> {
                                if (m.getName().equals("putSession") && ((StoredSession) a[0]).disconnectedAt().isPresent()) {
                                    gate.pass();
                                }
                                return invoke(b, m, a);
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The first look at a guarded list (or a {@link #pass}) stops its thread until {@link #open} is counted down. */
    private static final class Gate {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        private final AtomicBoolean passed = new AtomicBoolean();

        <T> List<T> guard(List<T> items) {
            return new AbstractList<>() {
                @Override
                public T get(int index) {
                    pass();
                    return items.get(index);
                }

                @Override
                public int size() {
                    pass();
                    return items.size();
                }
            };
        }

        void pass() {
            if (passed.compareAndSet(false, true)) {
                reached.countDown();
                try {
                    if (!open.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the gate was never opened");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private ClientAttachment persistent() {
        return new ClientAttachment(ID, false, 600, dispatcher.newLane(ID.clientId()), MqttVersion.V5, QueuePolicy.DEFAULT,
                Optional.empty(), true);
    }

    private static Message msg(String topic) {
        return Message.of(topic, 1, Bytes.wrap(new byte[] {1}), false, MqttProperties.EMPTY, "publisher");
    }
}
