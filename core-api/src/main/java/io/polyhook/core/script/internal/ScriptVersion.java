package io.polyhook.core.script.internal;

import io.polyhook.core.hook.HandlerSpec;
import io.polyhook.core.hook.HookIndex;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.NotificationHandler;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One version of a script as the registry holds it, with a count of the calls running in it.
 *
 * <p>The dispatcher takes its snapshot of a hook's handlers when a call is submitted, so a call
 * queued behind others may reach a version that a reload has replaced since. Such a call is
 * answered by the script's current version instead (or says next if the script was unloaded),
 * and a replaced version is closed only when its last running call returns. Engines therefore
 * never see a call after {@link LoadedScript#close()}, and every call is answered by exactly one
 * whole version.
 */
final class ScriptVersion {

    private static final Logger LOG = LoggerFactory.getLogger(ScriptVersion.class);
    // High bit of the call count: set once when the version is retired.
    private static final long RETIRED = 1L << 62;

    private final String label;
    private final LoadedScript script;
    private final AtomicReference<ScriptVersion> current;
    private final Object[] handlers = new Object[Hooks.all().size()];
    private final List<Hook<?>> hooks;
    private final List<HandlerSpec> specs;
    private final AtomicLong calls = new AtomicLong();

    /**
     * @param label    the script's name for logs
     * @param script   what the engine loaded
     * @param current  the script's current version, shared by all its versions
     * @throws IllegalArgumentException if the script declares a hook point twice
     */
    ScriptVersion(String label, LoadedScript script, AtomicReference<ScriptVersion> current) {
        this.label = label;
        this.script = script;
        this.current = current;
        List<Hook<?>> declared = new ArrayList<>();
        List<HandlerSpec> forwarding = new ArrayList<>();
        for (HandlerSpec spec : script.handlers()) {
            Hook<?> hook = spec.hook();
            if (handlers[HookIndex.of(hook)] != null) {
                throw new IllegalArgumentException("declares " + hook.name() + " twice");
            }
            handlers[HookIndex.of(hook)] = spec.handler();
            declared.add(hook);
            forwarding.add(hook instanceof ChainHook<?, ?> chain ? forwardChain(chain)
                    : forwardNotification((NotificationHook<?>) hook));
        }
        declared.sort((a, b) -> Integer.compare(HookIndex.of(a), HookIndex.of(b)));
        this.hooks = Collections.unmodifiableList(declared);
        this.specs = List.copyOf(forwarding);
    }

    /** The engine's script. */
    LoadedScript script() {
        return script;
    }

    /** The declared hook points, in hook order. */
    List<Hook<?>> hooks() {
        return hooks;
    }

    /** The handlers to register: they call into this version, or the current one once it is retired. */
    List<HandlerSpec> specs() {
        return specs;
    }

    /** Stops new calls; closes the script now, or when the last running call returns. Call once. */
    void retire() {
        if (calls.getAndAdd(RETIRED) == 0) {
            closeScript();
        }
    }

    private boolean enter() {
        for (;;) {
            long n = calls.get();
            if (n >= RETIRED) {
                return false;
            }
            if (calls.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void exit() {
        if (calls.decrementAndGet() == RETIRED) {
            closeScript();
        }
    }

    /** This version if it still serves, else the script's current one; null if it was unloaded. */
    private ScriptVersion enterServing() {
        if (enter()) {
            return this;
        }
        // A retired version was replaced before it was retired, so this loop ends at once.
        for (;;) {
            ScriptVersion serving = current.get();
            if (serving == null || serving.enter()) {
                return serving;
            }
        }
    }

    private <C extends HookContext, M extends Modifiers> HandlerSpec forwardChain(ChainHook<C, M> hook) {
        ChainHandler<C, M> forward = context -> {
            ScriptVersion v = enterServing();
            if (v == null) {
                return Verdict.next();
            }
            try {
                @SuppressWarnings("unchecked")
                ChainHandler<C, M> h = (ChainHandler<C, M>) v.handlers[HookIndex.of(hook)];
                return h == null ? Verdict.next() : h.handle(context);
            } finally {
                v.exit();
            }
        };
        return HandlerSpec.chain(hook, 0, forward);
    }

    private <C extends HookContext> HandlerSpec forwardNotification(NotificationHook<C> hook) {
        NotificationHandler<C> forward = context -> {
            ScriptVersion v = enterServing();
            if (v == null) {
                return;
            }
            try {
                @SuppressWarnings("unchecked")
                NotificationHandler<C> h = (NotificationHandler<C>) v.handlers[HookIndex.of(hook)];
                if (h != null) {
                    h.handle(context);
                }
            } finally {
                v.exit();
            }
        };
        return HandlerSpec.notification(hook, 0, forward);
    }

    private void closeScript() {
        try {
            script.close();
        } catch (RuntimeException e) {
            LOG.warn("script {} failed to close cleanly: {}", label, e.toString());
        }
    }
}
