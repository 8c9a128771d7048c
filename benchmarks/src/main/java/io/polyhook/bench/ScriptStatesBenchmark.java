package io.polyhook.bench;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.HandlerSpec;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.engine.luaj.LuaEngine;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * What {@code num_states} buys: 16 clients (JMH threads), each with its own lane as in the
 * broker, call one Lua {@code auth_on_publish} at once, with the script in 1 or 4 states
 * ({@code scripts.states}, the default for scripts that do not set {@code num_states}). A call
 * holds its state until it returns, so the states bound how many calls of the script run at
 * the same time:
 * <ul>
 *   <li>{@code cpu}: the hook checks the topic prefix with {@code string.sub}, in microseconds;</li>
 *   <li>{@code wait}: the hook first calls a library function that waits 1 ms, as a database
 *       query does ({@code postgres.execute}, {@code redis.cmd}, {@code http.get}).</li>
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ScriptStatesBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(16)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ScriptStatesBenchmark {

    private static final String SCRIPT = """
            function auth_on_publish(pub)
                if WAIT then db.query() end
                return string.sub(pub.topic, 1, 8) == "sensors/"
            end
            hooks = { auth_on_publish = auth_on_publish }
            """;

    @Param({"1", "4"})
    public int states;

    @Param({"cpu", "wait"})
    public String hook;

    private final AtomicInteger clients = new AtomicInteger();
    private HookDispatcher dispatcher;
    private LoadedScript script;
    private Path dir;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("polyhook-bench");
        Path file = dir.resolve("states.lua");
        Files.writeString(file, (hook.equals("wait") ? "WAIT = true\n" : "") + SCRIPT);
        DataProvider db = DataProvider.builder("db").function("query", args -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            return true;
        }).build();
        script = new LuaEngine().load(new ScriptSource(file, dir),
                new ScriptEnvironment(List.of(db), states, Duration.ofSeconds(5), Map.of()));
        ChainHandler<PublishContext, PublishModifiers> handler =
                (ChainHandler<PublishContext, PublishModifiers>) script.handlers().getFirst().handler();
        HookRegistry registry = new HookRegistry();
        registry.add(HandlerOrigin.plugin("bench"), HandlerSpec.chain(Hooks.AUTH_ON_PUBLISH, 0, handler));
        dispatcher = new HookDispatcher(registry, DispatchSettings.defaults());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        dispatcher.close();
        script.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** One client: its lane and its PUBLISH. */
    @State(Scope.Thread)
    public static class Client {
        ClientLane lane;
        PublishContext context;

        @Setup(Level.Trial)
        public void setUp(ScriptStatesBenchmark benchmark) {
            String id = "client-" + benchmark.clients.incrementAndGet();
            lane = benchmark.dispatcher.newLane(id);
            context = new PublishContext(MqttVersion.V3_1_1, "", id, Optional.of("user"), "sensors/1/temp", 0,
                    Bytes.utf8("21.5"), false, MqttProperties.EMPTY);
        }
    }

    /** One call of a client, through its lane, waiting for the verdict; throughput of all clients together. */
    @Benchmark
    public ChainOutcome<PublishModifiers> publish(Client client) {
        return dispatcher.chain(client.lane, Hooks.AUTH_ON_PUBLISH, client.context).toCompletableFuture().join();
    }
}
