package io.polyhook.broker.scripttest;

import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.hooks.ScriptWiring;
import io.polyhook.broker.session.VmqApiProviderFactory;
import io.polyhook.broker.store.InMemoryBrokerStore;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.HandlerSpec;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.provider.ProviderCatalog;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.provider.authcache.AuthCachePlugin;
import io.polyhook.spi.AuthContext;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.ClientContext;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.NotificationHandler;
import io.polyhook.spi.NotificationHook;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.RegisterContext;
import io.polyhook.spi.Registration;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.UnsubscribeContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One script of a test file, loaded as a broker would load it, and its cases run against it.
 *
 * <p>What the script gets is the broker's: the providers of {@link ScriptWiring} (a fresh set,
 * so kv tables and the auth cache of one test file are not seen by another), with the libraries
 * the file's fixtures answer swapped in; the engine's settings from the config; a
 * {@link HookDispatcher} with the config's deadlines, and the {@link AuthCachePlugin} in front
 * of the script. A case's call goes through that dispatcher, so it comes to what it would come
 * to on a broker whose only script this is: the auth cache answers for the clients it knows, an
 * error lets nobody allow, invalid modifiers are refused. Cases run in file order and share the
 * script's state, as a broker's clients do.
 */
final class ScriptSession implements AutoCloseable {

    // Handlers that only say a notification has gone through every handler before them.
    private static final HandlerOrigin DONE = HandlerOrigin.script("(polyhook script test)");
    // On top of the hook's deadline, for the dispatcher to give its answer.
    private static final Duration MARGIN = Duration.ofSeconds(10);

    /**
     * What loading the script came to.
     *
     * @param error the load error (file and line), if it failed
     * @param calls the calls of answered libraries that its top-level code made
     * @param log   the lines it logged
     */
    record Load(Optional<String> error, List<FixtureLibraries.LibraryCall> calls, List<String> log) {
    }

    private final TestFile file;
    private final Path scriptPath;
    private final ScriptEngine engine;
    private final BrokerConfig config;
    private final LogCapture logs;
    private final ProviderCatalog catalog;
    private final FixtureLibraries fixtures;
    private final HookRegistry registry = new HookRegistry();
    private final HookDispatcher dispatcher;
    private final Registration cacheHooks;
    private final HandlerOrigin origin;
    private LoadedScript script;
    private volatile int caseNumber;
    private volatile String failure;
    private volatile CountDownLatch notified = new CountDownLatch(0);

    /**
     * Prepares the libraries and the dispatcher for {@code scriptPath}, one of {@code file}'s
     * scripts; {@link #load()} loads it.
     *
     * @throws IllegalStateException if a provider cannot be started
     */
    ScriptSession(TestFile file, Path scriptPath, ScriptEngine engine, BrokerConfig config, ClassLoader loader,
                  LogCapture logs) {
        this.file = file;
        this.scriptPath = scriptPath;
        this.engine = engine;
        this.config = config;
        this.logs = logs;
        AuthCache authCache = new AuthCache();
        // vmq_api acts on a broker's sessions; here fixtures answer it, so only its function names are used.
        ProviderCatalog.Builder libraries = ScriptWiring.catalog(loader, config, authCache);
        // kv tables with persist work as on a broker with this config, in a store of the test's own;
        // cluster tables need a cluster, which a test has not.
        ScriptWiring.kv(libraries, config.persistence().enabled() ? Optional.of(new InMemoryBrokerStore())
                : Optional.empty(), Optional.empty());
        this.catalog = libraries.factory(new VmqApiProviderFactory(null)).start();
        List<Fixture> caseFixtures = new ArrayList<>();
        file.cases().forEach(c -> caseFixtures.addAll(c.fixtures()));
        this.fixtures = new FixtureLibraries(file.file(), file.fixtures(), caseFixtures);
        this.dispatcher = new HookDispatcher(registry, ScriptWiring.dispatchSettings(config.scripts()));
        this.cacheHooks = new AuthCachePlugin(authCache).install(registry);
        this.origin = HandlerOrigin.script(scriptPath.toString());
    }

    /** Loads the script with the file's fixtures answering its top-level calls. */
    Load load() {
        fixtures.startCase(List.of());
        logs.drain();
        ScriptSource source = new ScriptSource(scriptPath, file.scriptsDir());
        ScriptEnvironment env = ScriptWiring.environment(fixtures.providers(catalog.providers()), config)
                .forEngine(engine).forScript(source);
        try {
            script = engine.load(source, env);
            if (script == null) {
                throw new ScriptLoadException(scriptPath, "engine " + engine.name() + " returned no script");
            }
            registry.replace(origin, recording(script.handlers()));
            for (Hook<?> hook : Hooks.all()) {
                if (hook instanceof NotificationHook<?> n) {
                    registry.add(DONE, done(n));
                }
            }
            return new Load(Optional.empty(), fixtures.calls(), logs.drain());
        } catch (ScriptLoadException e) {
            return new Load(Optional.of(e.getMessage()), fixtures.calls(), logs.drain());
        } catch (RuntimeException | LinkageError e) {
            return new Load(Optional.of(ScriptSource.display(scriptPath) + ": engine " + engine.name() + " failed: " + e),
                    fixtures.calls(), logs.drain());
        }
    }

    /** Runs one case; the script must be loaded. */
    CaseResult run(TestCase testCase) {
        caseNumber++;
        failure = null;
        fixtures.startCase(testCase.fixtures());
        logs.drain();
        Outcome outcome = testCase.hook() instanceof ChainHook<?, ?> chain ? chain(chain, testCase.context())
                : notification((NotificationHook<?>) testCase.hook(), testCase.context());
        List<FixtureLibraries.LibraryCall> calls = fixtures.calls();
        return new CaseResult(testCase, outcome, testCase.expect().differences(outcome), calls, logs.drain());
    }

    private <C extends HookContext, M extends Modifiers> Outcome chain(ChainHook<C, M> hook, HookContext context) {
        ClientLane lane = dispatcher.newLane(clientId(context));
        Duration deadline = dispatcher.settings().deadline(hook);
        ChainOutcome<M> result;
        try {
            result = dispatcher.chain(lane, hook, hook.contextType().cast(context)).toCompletableFuture()
                    .get(deadline.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Outcome.error("no answer within " + deadline.plus(MARGIN).toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.error("interrupted");
        } catch (ExecutionException e) {
            return Outcome.error(String.valueOf(e.getCause()));
        }
        String failed = failure;
        return switch (result) {
            case ChainOutcome.Allowed<M> a -> Outcome.ok(a.modifiers(), by(a.decidedBy()));
            case ChainOutcome.Denied<M> d -> switch (d.cause()) {
                case VERDICT -> Outcome.deny(d.reasonCode(), d.reasonString(), by(d.decidedBy()));
                case INVALID_MODIFIERS -> Outcome.error("invalid modifiers: " + (failed == null ? "" : failed));
                case TIMEOUT, HANDLER_TIMED_OUT -> Outcome.error("missed its deadline of " + deadline.toMillis()
                        + " ms (scripts.hook_timeout)");
                case HANDLER_FAILED -> Outcome.error(failed != null ? failed : d.decidedBy() + " failed");
            };
            case ChainOutcome.Exhausted<M> e -> Outcome.next(e.exhaustion() == ChainOutcome.Exhaustion.NO_HANDLER
                    ? "the script declares no " + hook.name() : "");
            case ChainOutcome.Failed<M> f -> Outcome.error(failed != null ? failed : f.message());
        };
    }

    private <C extends HookContext> Outcome notification(NotificationHook<C> hook, HookContext context) {
        CountDownLatch done = new CountDownLatch(1);
        notified = done;
        dispatcher.notify(dispatcher.newLane(clientId(context)), hook, hook.contextType().cast(context));
        Duration wait = dispatcher.settings().deadline(hook).plus(MARGIN);
        try {
            if (!done.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return Outcome.error("not done within " + wait.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.error("interrupted");
        }
        String failed = failure;
        return failed != null ? Outcome.error(failed) : Outcome.ok(Optional.empty(), Optional.empty());
    }

    private Optional<String> by(HandlerOrigin decidedBy) {
        return decidedBy.equals(origin) ? Optional.empty() : Optional.of(decidedBy.name());
    }

    private static String clientId(HookContext context) {
        return switch (context) {
            case RegisterContext r -> r.clientId();
            case PublishContext p -> p.clientId();
            case SubscribeContext s -> s.clientId();
            case UnsubscribeContext u -> u.clientId();
            case AuthContext a -> a.clientId();
            case ClientContext c -> c.clientId();
        };
    }

    /** The script's handlers, each remembering the message of its failure for the report. */
    private List<HandlerSpec> recording(List<HandlerSpec> specs) {
        List<HandlerSpec> out = new ArrayList<>();
        for (HandlerSpec spec : specs) {
            out.add(spec.hook() instanceof ChainHook<?, ?> chain ? recordingChain(chain, spec.handler())
                    : recordingNotification((NotificationHook<?>) spec.hook(), spec.handler()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private <C extends HookContext, M extends Modifiers> HandlerSpec recordingChain(ChainHook<C, M> hook, Object handler) {
        ChainHandler<C, M> inner = (ChainHandler<C, M>) handler;
        return HandlerSpec.chain(hook, 0, context -> {
            int number = caseNumber;
            try {
                return inner.handle(context);
            } catch (Exception | Error e) {
                remember(number, e);
                throw e;
            }
        });
    }

    @SuppressWarnings("unchecked")
    private <C extends HookContext> HandlerSpec recordingNotification(NotificationHook<C> hook, Object handler) {
        NotificationHandler<C> inner = (NotificationHandler<C>) handler;
        return HandlerSpec.notification(hook, 0, context -> {
            int number = caseNumber;
            try {
                inner.handle(context);
            } catch (Exception | Error e) {
                remember(number, e);
                throw e;
            }
        });
    }

    private <C extends HookContext> HandlerSpec done(NotificationHook<C> hook) {
        return HandlerSpec.notification(hook, 0, context -> notified.countDown());
    }

    private void remember(int number, Throwable t) {
        // A call that outlived its case (it missed its deadline) must not blame the next one.
        if (number == caseNumber && failure == null) {
            String message = t.getMessage() != null ? t.getMessage() : t.toString();
            failure = message.length() > 1000 ? message.substring(0, 1000) + "..." : message.replace('\n', ' ');
        }
    }

    /** Closes the script, the dispatcher and the libraries. */
    @Override
    public void close() {
        registry.remove(origin);
        registry.remove(DONE);
        cacheHooks.close();
        dispatcher.close();
        if (script != null) {
            script.close();
        }
        catalog.close();
    }
}
