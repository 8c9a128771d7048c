package io.polyhook.provider.memcached;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.testing.RecordingLogger;
import io.polyhook.core.provider.testing.TestProviderContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

@ExtendWith(EmbeddedMemcached.class)
class MemcachedProviderTest {

    private final RecordingLogger log = new RecordingLogger("io.polyhook.provider.memcached");
    private TestProviderContext context = TestProviderContext.of("memcached", Map.of(), log.logger());
    private DataProvider memcached = new MemcachedProviderFactory().create(context);

    @BeforeEach
    void poolOnTheTestServer() {
        EmbeddedMemcached.Endpoint server = EmbeddedMemcached.endpoint();
        assertThat(call("ensure_pool", options("pool_id", "test", "host", server.host(), "port", (long) server.port())))
                .isEqualTo(true);
        assertThat(call("flush_all", "test")).isEqualTo(true);
    }

    @AfterEach
    void closePools() {
        context.pools().close();
    }

    private Object call(String function, Object... args) {
        return memcached.functions().get(function).call(Arguments.of("memcached." + function, Arrays.asList(args)));
    }

    private static Map<String, Object> options(Object... keyValues) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put((String) keyValues[i], keyValues[i + 1]);
        }
        return options;
    }

    // --- ensure_pool -----------------------------------------------------------------------

    @Test
    void ensurePoolWithoutOptionsRegistersPoolMemcachedOnLocalhost11211() {
        assertThat(call("ensure_pool")).isEqualTo(true);
        PoolSettings settings = context.pools().get("pool_memcached", MemcachedPool.class).settings();
        assertThat(settings).isEqualTo(PoolSettings.BUILT_IN);
        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.port()).isEqualTo(11211);
        assertThat(settings.size()).isEqualTo(5);
    }

    @Test
    void ensurePoolAgainKeepsTheFirstPool() {
        MemcachedPool first = context.pools().get("test", MemcachedPool.class);
        assertThat(call("ensure_pool", options("pool_id", "test", "size", 9L))).isEqualTo(true);
        assertThat(context.pools().get("test", MemcachedPool.class)).isSameAs(first);
    }

    @Test
    void poolsTakeTheirDefaultsFromTheConfigAndScriptsOverrideThem() {
        context = TestProviderContext.of("memcached", Map.of("providers", Map.of("memcached",
                Map.of("host", "cache.example", "pool_size", 2L))), log.logger());
        memcached = new MemcachedProviderFactory().create(context);
        call("ensure_pool", options("pool_id", "configured"));
        call("ensure_pool", options("pool_id", "overridden", "size", 8L, "port", 11311L));
        assertThat(context.pools().get("configured", MemcachedPool.class).settings())
                .isEqualTo(new PoolSettings("cache.example", 11211, 2, Duration.ofMillis(1500), Duration.ofSeconds(3),
                        Duration.ofSeconds(3)));
        assertThat(context.pools().get("overridden", MemcachedPool.class).settings())
                .isEqualTo(new PoolSettings("cache.example", 11311, 8, Duration.ofMillis(1500), Duration.ofSeconds(3),
                        Duration.ofSeconds(3)));
    }

    @Test
    void aBadConfigValueStopsTheStartNamingTheKey() {
        TestProviderContext bad = TestProviderContext.of("memcached",
                Map.of("providers", Map.of("memcached", Map.of("size", 0L))), log.logger());
        assertThatThrownBy(() -> new MemcachedProviderFactory().create(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("providers.memcached.size: an integer from 1 to 10000 expected, got 0");
    }

    @Test
    void aMalformedEnsurePoolFieldIsAnErrorNamingIt() {
        assertThatThrownBy(() -> call("ensure_pool", options("pool_id", "x", "port", 70000L)))
                .hasMessage("memcached.ensure_pool: bad argument #1 (field 'port': an integer from 1 to 65535 expected, got 70000)");
    }

    @Test
    void ensurePoolSucceedsAtOnceWhenTheServerIsDown() {
        long started = System.nanoTime();
        assertThat(call("ensure_pool", options("pool_id", "down", "port", (long) MemcachedTestServer.freePort())))
                .isEqualTo(true);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }

    // --- memcached_test.lua ----------------------------------------------------------------

    @Test
    void getOfAnUnknownKeyIsFalse() {
        assertThat(call("get", "test", "unknown")).isEqualTo(false);
    }

    @Test
    void setReturnsTheValueAndGetReadsIt() {
        assertThat(call("set", "test", "key", "value")).isEqualTo("value");
        assertThat(call("get", "test", "key")).isEqualTo("value");
    }

    @Test
    void deleteIsTrueOnceThenFalse() {
        call("set", "test", "key", "value");
        assertThat(call("delete", "test", "key")).isEqualTo(true);
        assertThat(call("delete", "test", "key")).isEqualTo(false);
        assertThat(call("get", "test", "key")).isEqualTo(false);
    }

    @Test
    void addStoresOnlyANewKey() {
        assertThat(call("add", "test", "new", "first")).isEqualTo("first");
        assertThat(call("add", "test", "new", "second")).isEqualTo(false);
        assertThat(call("get", "test", "new")).isEqualTo("first");
    }

    @Test
    void replaceStoresOnlyAnExistingKey() {
        call("set", "test", "key", "old");
        assertThat(call("replace", "test", "key", "new")).isEqualTo("new");
        assertThat(call("get", "test", "key")).isEqualTo("new");
        assertThat(call("replace", "test", "missing", "value")).isEqualTo(false);
        assertThat(call("get", "test", "missing")).isEqualTo(false);
    }

    @Test
    void itemsWithAnExpirationTimeAreReadableAtOnceAndGoneLater() throws Exception {
        assertThat(call("set", "test", "set-exp", "a", 1L)).isEqualTo("a");
        assertThat(call("add", "test", "add-exp", "b", 1L)).isEqualTo("b");
        call("set", "test", "replace-exp", "old");
        assertThat(call("replace", "test", "replace-exp", "c", 1L)).isEqualTo("c");
        assertThat(call("get", "test", "set-exp")).isEqualTo("a");
        assertThat(call("get", "test", "add-exp")).isEqualTo("b");
        assertThat(call("get", "test", "replace-exp")).isEqualTo("c");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!(call("get", "test", "set-exp").equals(false) && call("get", "test", "add-exp").equals(false)
                && call("get", "test", "replace-exp").equals(false))) {
            assertThat(System.nanoTime()).as("items still there after 10 s").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(call("flush_all", "test")).isEqualTo(true);
    }

    // --- beyond the Lua test ---------------------------------------------------------------

    @Test
    void binaryValuesRoundTripAsBytes() {
        byte[] binary = {(byte) 0xff, 0, '\r', '\n', (byte) 0xfe};
        assertThat(call("set", "test", "bin", binary)).isEqualTo(binary);
        assertThat(call("get", "test", "bin")).isEqualTo(binary);
    }

    @Test
    void anyStringIsAKeyAsInVmq() {
        for (String key : new String[] {"unknown key", "", "a\nkey", "a\u007fkey", "k".repeat(251), "clé"}) {
            assertThat(call("get", "test", key)).as("%s", key).isEqualTo(false);
            assertThat(call("set", "test", key, "v:" + key)).as("%s", key).isEqualTo("v:" + key);
        }
        for (String key : new String[] {"unknown key", "", "a\nkey", "a\u007fkey", "k".repeat(251), "clé"}) {
            assertThat(call("get", "test", key)).as("%s", key).isEqualTo("v:" + key);
        }
    }

    @Test
    void theServerHoldsTheItemUnderVmqsKeyInVmqsEncoding() throws Exception {
        call("set", "test", "unknown key", "v");
        // base64(md5(term_to_binary(<<"unknown key">>))) and term_to_binary(<<"v">>), as Erlang computes them.
        assertThat(raw("get PNEutOGw57j97H01qFLOEQ==\r\n", "END\r\n"))
                .isEqualTo("VALUE PNEutOGw57j97H01qFLOEQ== 43962 7\r\n\u0083m\u0000\u0000\u0000\u0001v\r\nEND\r\n");
    }

    @Test
    void anItemVmqWroteIsReadAsVmqReadsIt() throws Exception {
        assertThat(raw("set PNEutOGw57j97H01qFLOEQ== 43962 0 11\r\n\u0083m\u0000\u0000\u0000\u0005hello\r\n", "\r\n"))
                .isEqualTo("STORED\r\n");
        assertThat(call("get", "test", "unknown key")).isEqualTo("hello");
    }

    /** Sends a raw text-protocol request to the test server; returns its reply (bytes as ISO-8859-1) up to {@code end}. */
    private static String raw(String request, String end) throws Exception {
        EmbeddedMemcached.Endpoint server = EmbeddedMemcached.endpoint();
        try (java.net.Socket socket = new java.net.Socket(server.host(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            java.io.InputStream in = socket.getInputStream();
            StringBuilder reply = new StringBuilder();
            for (int b = in.read(); b >= 0; b = in.read()) {
                reply.append((char) b);
                if (reply.toString().endsWith(end)) {
                    break;
                }
            }
            return reply.toString();
        }
    }

    @Test
    void aNegativeExpirationTimeIsRejected() {
        assertThatThrownBy(() -> call("set", "test", "k", "v", -1L))
                .hasMessage("memcached.set: bad argument #4 (expiration time in seconds expected, got -1)");
    }

    @Test
    void anUnknownPoolIsAnError() {
        assertThatThrownBy(() -> call("get", "nope", "k")).isInstanceOf(ProviderException.class)
                .hasMessage("memcached.get: unknown pool: nope");
    }

    @Test
    void thePoolOpensNoMoreThanSizeConnections() throws Exception {
        EmbeddedMemcached.Endpoint server = EmbeddedMemcached.endpoint();
        call("ensure_pool", options("pool_id", "two", "host", server.host(), "port", (long) server.port(), "size", 2L));
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            java.util.List<Future<Object>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String key = "k" + (i % 10);
                results.add(threads.submit(() -> call("set", "two", key, "v")));
            }
            for (Future<Object> result : results) {
                assertThat(result.get()).isEqualTo("v");
            }
        }
        assertThat(context.pools().get("two", MemcachedPool.class).openConnections()).isEqualTo(2);
    }

    // --- a server of its own: down and restarted -------------------------------------------

    @Test
    void aDownServerFailsFastAndThePoolRecoversWhenItIsBack() throws Exception {
        assumeThat(EmbeddedMemcached.isExternal()).as("needs a test server to stop").isFalse();
        try (MemcachedTestServer own = MemcachedTestServer.start()) {
            call("ensure_pool", options("pool_id", "own", "host", own.host(), "port", (long) own.port()));
            assertThat(call("set", "own", "k", "v")).isEqualTo("v");
            own.stop();
            long started = System.nanoTime();
            assertThatThrownBy(() -> call("get", "own", "k"))
                    .isInstanceOf(ProviderException.class)
                    .hasMessage("memcached.get: pool own: cannot connect to 127.0.0.1:" + own.port() + " (connection refused)");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            own.restart();
            assertThat(eventually(() -> call("set", "own", "k", "again"), Duration.ofSeconds(10))).isEqualTo("again");
            assertThat(call("get", "own", "k")).isEqualTo("again");
        }
    }

    @Test
    void anIdleConnectionToARestartedServerIsReplacedWithoutAnError() {
        assumeThat(EmbeddedMemcached.isExternal()).as("needs a test server to stop").isFalse();
        try (MemcachedTestServer own = MemcachedTestServer.start()) {
            call("ensure_pool", options("pool_id", "own", "host", own.host(), "port", (long) own.port(), "size", 1L));
            call("set", "own", "k", "v");
            own.stop();
            own.restart();
            assertThat(call("get", "own", "k")).isEqualTo(false);
        }
    }

    private static Object eventually(Supplier<Object> call, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (ProviderException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
