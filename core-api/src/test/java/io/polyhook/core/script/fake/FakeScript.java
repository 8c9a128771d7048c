package io.polyhook.core.script.fake;

import io.polyhook.core.hook.HandlerSpec;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.NotificationHandler;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.Verdict;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** One loaded version of a {@code .fake} file. */
final class FakeScript implements LoadedScript {

    private final String name;
    private final List<HandlerSpec> handlers = new ArrayList<>();
    private final Map<String, Object> details;
    private final AtomicInteger open;
    private volatile boolean closed;

    private FakeScript(String name, int states, AtomicInteger open) {
        this.name = name;
        this.details = Map.of("states", states);
        this.open = open;
    }

    static FakeScript parse(ScriptSource source, ScriptEnvironment environment, List<String> records,
                            AtomicInteger open) throws ScriptLoadException {
        FakeScript script = new FakeScript(source.displayName(), environment.defaultStates(), open);
        String[] lines = source.text().split("\\R", -1);
        Set<Hook<?>> seen = new HashSet<>();
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("fail-load")) {
                throw new ScriptLoadException(source.path(), lineNo, line.substring("fail-load".length()).strip());
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ScriptLoadException(source.path(), lineNo, "expected <hook> = <behaviour>, got '" + line + "'");
            }
            String hookName = line.substring(0, eq).strip();
            Hook<?> hook = Hooks.byName(hookName)
                    .orElseThrow(() -> new ScriptLoadException(source.path(), lineNo, "unknown hook '" + hookName + "'"));
            if (!seen.add(hook)) {
                throw new ScriptLoadException(source.path(), lineNo, hookName + " is declared twice");
            }
            FakeBehaviour behaviour;
            try {
                behaviour = FakeBehaviour.parse(line.substring(eq + 1).strip(), hook,
                        source.displayName() + ":" + lineNo, records);
            } catch (IllegalArgumentException e) {
                throw new ScriptLoadException(source.path(), lineNo, e.getMessage(), e);
            }
            script.handlers.add(hook instanceof ChainHook<?, ?> chain ? script.chain(chain, behaviour)
                    : script.notification((NotificationHook<?>) hook, behaviour));
        }
        open.incrementAndGet();
        return script;
    }

    private <C extends HookContext, M extends Modifiers> HandlerSpec chain(ChainHook<C, M> hook, FakeBehaviour behaviour) {
        ChainHandler<C, M> handler = context -> {
            requireOpen();
            @SuppressWarnings("unchecked")
            Verdict<M> verdict = (Verdict<M>) behaviour.run(context);
            return verdict;
        };
        return HandlerSpec.chain(hook, 0, handler);
    }

    private <C extends HookContext> HandlerSpec notification(NotificationHook<C> hook, FakeBehaviour behaviour) {
        NotificationHandler<C> handler = context -> {
            requireOpen();
            behaviour.run(context);
        };
        return HandlerSpec.notification(hook, 0, handler);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(name + " was called after it was closed");
        }
    }

    @Override
    public List<HandlerSpec> handlers() {
        return List.copyOf(handlers);
    }

    @Override
    public Map<String, Object> details() {
        return details;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            open.decrementAndGet();
        }
    }
}
