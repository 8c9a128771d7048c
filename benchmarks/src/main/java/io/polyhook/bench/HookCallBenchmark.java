package io.polyhook.bench;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.HandlerSpec;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.engine.graaljs.GraalJsEngine;
import io.polyhook.engine.luaj.LuaEngine;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Verdict;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one {@code auth_on_publish} call, for each kind of handler:
 * <ul>
 *   <li>{@code none}: no handler (the zero-cost path);</li>
 *   <li>{@code java}: a Java handler checking the topic prefix;</li>
 *   <li>{@code lua-true}: a Lua handler that returns {@code true};</li>
 *   <li>{@code lua-prefix}: a Lua handler checking the topic prefix with {@code string.sub};</li>
 *   <li>{@code js-true}, {@code js-prefix}: the same in JavaScript (GraalJS: interpreted unless the
 *       fork runs with the options of {@code bin/jvm-options}, see docs/benchmarks.md);</li>
 *   <li>{@code js-prefix-reset}: {@code js-prefix} with {@code keep_state = false}, the default,
 *       whose globals are restored after every call.</li>
 * </ul>
 * {@link #dispatch()} goes through the dispatcher one call at a time, waiting for each answer (a
 * hop to a virtual thread and back per call); {@link #dispatchPipelined()} as the broker does for
 * a burst of a client's PUBLISHes (queued, one wake-up, answers in order); {@link #handler()}
 * calls the handler directly, which isolates the language's cost
 * (argument table, call, verdict conversion).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar HookCallBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dpolyglot.engine.WarnInterpreterOnly=false"})
public class HookCallBenchmark {

    private static final String LUA_TRUE = """
            hooks = { auth_on_publish = function(pub) return true end }
            """;
    private static final String LUA_PREFIX = """
            function auth_on_publish(pub)
                if string.sub(pub.topic, 1, 8) == "sensors/" then return true end
                return false
            end
            hooks = { auth_on_publish = auth_on_publish }
            """;

    private static final String JS_TRUE = """
            var hooks = { auth_on_publish: function (pub) { return true; } };
            """;
    private static final String JS_PREFIX = """
            function auth_on_publish(pub) { return pub.topic.startsWith("sensors/"); }
            var hooks = { auth_on_publish: auth_on_publish };
            """;

    @Param({"none", "java", "lua-true", "lua-prefix", "js-true", "js-prefix", "js-prefix-reset"})
    public String handlerKind;

    private HookDispatcher dispatcher;
    private ClientLane lane;
    private PublishContext context;
    private ChainHandler<PublishContext, PublishModifiers> handler;
    private LoadedScript script;
    private Path dir;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        HookRegistry registry = new HookRegistry();
        handler = switch (handlerKind) {
            case "none" -> ctx -> Verdict.next();
            case "java" -> ctx -> ctx.topic().startsWith("sensors/") ? Verdict.ok() : Verdict.deny();
            default -> {
                dir = Files.createTempDirectory("polyhook-bench");
                boolean lua = handlerKind.startsWith("lua");
                Path file = dir.resolve(lua ? "bench.lua" : "bench.js");
                Files.writeString(file, switch (handlerKind) {
                    case "lua-true" -> LUA_TRUE;
                    case "lua-prefix" -> LUA_PREFIX;
                    case "js-true" -> JS_TRUE;
                    default -> JS_PREFIX;
                });
                ScriptSource source = new ScriptSource(file, dir);
                // keep_state=true: the call alone; js-prefix-reset adds the restore of globals.
                ScriptEnvironment env = new ScriptEnvironment(List.of(), 1, java.time.Duration.ofSeconds(5),
                        java.util.Map.of("keep_state", !handlerKind.endsWith("-reset")));
                script = lua ? new LuaEngine().load(source, env) : new GraalJsEngine().load(source, env);
                HandlerSpec spec = script.handlers().getFirst();
                yield (ChainHandler<PublishContext, PublishModifiers>) spec.handler();
            }
        };
        if (!handlerKind.equals("none")) {
            registry.add(HandlerOrigin.plugin("bench"), HandlerSpec.chain(Hooks.AUTH_ON_PUBLISH, 0, handler));
        }
        dispatcher = new HookDispatcher(registry, DispatchSettings.defaults());
        lane = dispatcher.newLane("bench-client");
        context = new PublishContext(MqttVersion.V3_1_1, "", "bench-client", Optional.of("user"), "sensors/1/temp", 0,
                Bytes.utf8("21.5"), false, MqttProperties.EMPTY);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        dispatcher.close();
        if (script != null) {
            script.close();
        }
    }

    /** One call as the broker makes it: through the client's lane on a virtual thread, and back. */
    @Benchmark
    public ChainOutcome<PublishModifiers> dispatch() {
        return dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, context).toCompletableFuture().join();
    }

    /** Calls per invocation of {@link #dispatchPipelined()}: about one socket read's worth of PUBLISHes. */
    static final int BURST = 64;

    /**
     * One call as the broker makes it for a burst of a client's PUBLISHes: {@link #BURST} calls
     * queued on the lane, the lane woken once, the last answer awaited; reported per call.
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public ChainOutcome<PublishModifiers> dispatchPipelined() {
        java.util.concurrent.CompletionStage<ChainOutcome<PublishModifiers>> last = null;
        for (int i = 0; i < BURST; i++) {
            last = dispatcher.chainQueued(lane, Hooks.AUTH_ON_PUBLISH, context);
        }
        dispatcher.wake(lane);
        return last.toCompletableFuture().join();
    }

    /** The handler alone, on the benchmark thread. */
    @Benchmark
    public Verdict<PublishModifiers> handler() throws Exception {
        return handler.handle(context);
    }
}
