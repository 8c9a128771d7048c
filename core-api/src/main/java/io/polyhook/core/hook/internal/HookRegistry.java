package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.ChainShortcut;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.HandlerSpec;
import io.polyhook.core.hook.HookIndex;
import io.polyhook.core.hook.HookInstaller;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.HookRegistrar;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.NotificationHandler;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.Registration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The handlers of every hook point, in call order: Java plugins first (higher priority first,
 * then registration order), then scripts (load order; a reloaded script keeps its place).
 *
 * <p>Readers see an immutable snapshot through one volatile read, so looking up a hook point
 * with no handler costs an array access and allocates nothing. Every change builds a new
 * snapshot and publishes it at once: a {@link #replace replace} of a script's handlers is seen
 * entirely or not at all.
 */
public final class HookRegistry implements HookInstaller {

    private static final HandlerEntry[] NONE = new HandlerEntry[0];
    private static final Comparator<HandlerEntry> ORDER = Comparator
            .comparing((HandlerEntry e) -> e.origin.kind())
            // Priority orders plugins only; scripts run in load order, as in vmq_diversity.
            .thenComparingInt(e -> e.origin.kind() == HandlerOrigin.Kind.PLUGIN ? -e.priority : 0)
            .thenComparingLong(e -> e.originSeq)
            .thenComparingLong(e -> e.seq);

    private final HookStatistics statistics = new HookStatistics();
    private final Map<HandlerOrigin, Long> originSeqs = new HashMap<>();
    private volatile HandlerEntry[][] snapshot;
    private volatile ShortcutEntry[] shortcuts = new ShortcutEntry[Hooks.all().size()];
    private long nextSeq;

    /** An empty registry. */
    public HookRegistry() {
        HandlerEntry[][] empty = new HandlerEntry[Hooks.all().size()][];
        Arrays.fill(empty, NONE);
        snapshot = empty;
    }

    /** Whether {@code hook} has a handler or a shortcut; two volatile reads, no allocation. */
    public boolean has(Hook<?> hook) {
        return snapshot[HookIndex.of(hook)].length != 0 || shortcuts[HookIndex.of(hook)] != null;
    }

    /**
     * Whether a chain of {@code hook} would read its context now: it has a handler, or a shortcut
     * that {@linkplain ChainShortcut#mayAnswer may answer}. Two volatile reads, no allocation.
     */
    public boolean readsContext(Hook<?> hook) {
        int id = HookIndex.of(hook);
        if (snapshot[id].length != 0) {
            return true;
        }
        ShortcutEntry shortcut = shortcuts[id];
        return shortcut != null && shortcut.shortcut().mayAnswer();
    }

    ShortcutEntry shortcut(Hook<?> hook) {
        return shortcuts[HookIndex.of(hook)];
    }

    /**
     * Installs the {@link ChainShortcut} of {@code hook}; there is at most one per hook point.
     * Closing the returned registration removes it.
     *
     * @throws IllegalStateException if the hook already has a shortcut
     */
    @Override
    public synchronized <C extends HookContext, M extends Modifiers> Registration shortcut(
            HandlerOrigin origin, ChainHook<C, M> hook, ChainShortcut<C, M> shortcut) {
        int id = HookIndex.of(hook);
        if (shortcuts[id] != null) {
            throw new IllegalStateException(hook.name() + " already has a shortcut from " + shortcuts[id].origin);
        }
        ShortcutEntry entry = new ShortcutEntry(origin, shortcut, statistics.forHandler(origin, hook));
        ShortcutEntry[] next = shortcuts.clone();
        next[id] = entry;
        shortcuts = next;
        return () -> {
            synchronized (HookRegistry.this) {
                if (shortcuts[id] == entry) {
                    ShortcutEntry[] after = shortcuts.clone();
                    after[id] = null;
                    shortcuts = after;
                }
            }
        };
    }

    /** An installed shortcut with its owner and statistics. */
    record ShortcutEntry(HandlerOrigin origin, ChainShortcut<?, ?> shortcut, HandlerStats stats) {
    }

    HandlerEntry[] entries(Hook<?> hook) {
        return snapshot[HookIndex.of(hook)];
    }

    /** The origins of the handlers of {@code hook}, in call order. */
    public List<HandlerOrigin> handlers(Hook<?> hook) {
        List<HandlerOrigin> out = new ArrayList<>();
        for (HandlerEntry e : snapshot[HookIndex.of(hook)]) {
            out.add(e.origin);
        }
        return out;
    }

    /** The live statistics of every handler. */
    public HookStatistics statistics() {
        return statistics;
    }

    /**
     * A {@link HookRegistrar} that adds handlers for {@code origin}, each immediately; this is
     * what a Java plugin gets. Handlers registered without a priority get {@code defaultPriority}.
     */
    @Override
    public HookRegistrar registrar(HandlerOrigin origin, int defaultPriority) {
        Objects.requireNonNull(origin, "origin");
        return new HookRegistrar() {
            @Override
            public <C extends HookContext, M extends Modifiers> Registration register(ChainHook<C, M> hook,
                                                                                    ChainHandler<C, M> handler) {
                return add(origin, HandlerSpec.chain(hook, defaultPriority, handler));
            }

            @Override
            public <C extends HookContext, M extends Modifiers> Registration register(ChainHook<C, M> hook, int priority,
                                                                                    ChainHandler<C, M> handler) {
                return add(origin, HandlerSpec.chain(hook, priority, handler));
            }

            @Override
            public <C extends HookContext> Registration register(NotificationHook<C> hook,
                                                                 NotificationHandler<C> handler) {
                return add(origin, HandlerSpec.notification(hook, defaultPriority, handler));
            }

            @Override
            public <C extends HookContext> Registration register(NotificationHook<C> hook, int priority,
                                                                 NotificationHandler<C> handler) {
                return add(origin, HandlerSpec.notification(hook, priority, handler));
            }
        };
    }

    /** Adds one handler; closing the returned registration removes exactly that handler. */
    public synchronized Registration add(HandlerOrigin origin, HandlerSpec spec) {
        HandlerEntry entry = entry(origin, spec);
        HandlerEntry[][] next = snapshot.clone();
        int id = HookIndex.of(spec.hook());
        next[id] = sorted(append(next[id], List.of(entry)));
        snapshot = next;
        return new Registration() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (HookRegistry.this) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    HandlerEntry[][] after = snapshot.clone();
                    after[id] = Arrays.stream(after[id]).filter(e -> e != entry).toArray(HandlerEntry[]::new);
                    snapshot = after;
                }
            }
        };
    }

    /**
     * Replaces every handler of {@code origin} with {@code specs} in one step: callers see either
     * the old handlers or the new ones, never a mix. An origin keeps its place in the order
     * across replacements (a reloaded script stays where it was loaded).
     */
    public synchronized void replace(HandlerOrigin origin, List<HandlerSpec> specs) {
        // The place is taken even with no handlers, so a script that gains hooks on reload keeps it.
        originSeqs.computeIfAbsent(origin, o -> nextSeq++);
        List<HandlerEntry> fresh = new ArrayList<>(specs.size());
        for (HandlerSpec spec : specs) {
            fresh.add(entry(origin, spec));
        }
        HandlerEntry[][] next = new HandlerEntry[snapshot.length][];
        for (int id = 0; id < next.length; id++) {
            List<HandlerEntry> mine = new ArrayList<>();
            for (HandlerEntry e : fresh) {
                if (HookIndex.of(e.hook) == id) {
                    mine.add(e);
                }
            }
            HandlerEntry[] kept = Arrays.stream(snapshot[id]).filter(e -> !e.origin.equals(origin)).toArray(HandlerEntry[]::new);
            next[id] = mine.isEmpty() ? (kept.length == 0 ? NONE : kept) : sorted(append(kept, mine));
        }
        snapshot = next;
    }

    /** Removes every handler of {@code origin}; a later registration of it goes to the end of the order. */
    public synchronized void remove(HandlerOrigin origin) {
        replace(origin, List.of());
        originSeqs.remove(origin);
    }

    private HandlerEntry entry(HandlerOrigin origin, HandlerSpec spec) {
        long originSeq = originSeqs.computeIfAbsent(origin, o -> nextSeq++);
        return new HandlerEntry(origin, spec.hook(), spec.priority(), originSeq, nextSeq++, spec.handler(),
                statistics.forHandler(origin, spec.hook()));
    }

    private static HandlerEntry[] append(HandlerEntry[] base, List<HandlerEntry> more) {
        HandlerEntry[] out = Arrays.copyOf(base, base.length + more.size());
        for (int i = 0; i < more.size(); i++) {
            out[base.length + i] = more.get(i);
        }
        return out;
    }

    private static HandlerEntry[] sorted(HandlerEntry[] entries) {
        Arrays.sort(entries, ORDER);
        return entries;
    }
}
