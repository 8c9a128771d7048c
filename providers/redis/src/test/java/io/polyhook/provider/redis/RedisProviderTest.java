package io.polyhook.provider.redis;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

@ExtendWith(EmbeddedRedis.class)
class RedisProviderTest {

    private final RecordingLogger log = new RecordingLogger("io.polyhook.provider.redis");
    private TestProviderContext context = TestProviderContext.of("redis", Map.of(), log.logger());
    private DataProvider redis = new RedisProviderFactory().create(context);

    @BeforeEach
    void poolOnTheTestServer() {
        EmbeddedRedis.Endpoint server = EmbeddedRedis.endpoint();
        call("ensure_pool", Map.of("pool_id", "test", "host", server.host(), "port", (long) server.port(),
                "user", server.user(), "password", server.password()));
        assertThat(cmd("FLUSHALL")).isEqualTo(true);
    }

    @AfterEach
    void closePools() {
        context.pools().close();
    }

    private Object call(String function, Object... args) {
        return redis.functions().get(function).call(Arguments.of("redis." + function, Arrays.asList(args)));
    }

    private Object cmd(String command, Object... extra) {
        List<Object> args = new ArrayList<>(List.of("test", command));
        args.addAll(Arrays.asList(extra));
        return call("cmd", args.toArray());
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
    void ensurePoolWithoutOptionsRegistersPoolRedisWithBuiltInSettings() {
        assertThat(call("ensure_pool")).isEqualTo(true);
        assertThat(context.pools().get("pool_redis", RedisPool.class).settings()).isEqualTo(PoolSettings.BUILT_IN);
    }

    @Test
    void ensurePoolAgainKeepsTheFirstPoolAndItsSettings() {
        RedisPool first = context.pools().get("test", RedisPool.class);
        assertThat(call("ensure_pool", options("pool_id", "test", "size", 9L))).isEqualTo(true);
        assertThat(context.pools().get("test", RedisPool.class)).isSameAs(first);
        assertThat(first.settings().size()).isEqualTo(5);
    }

    @Test
    void poolsTakeTheirDefaultsFromTheConfigAndScriptsOverrideThem() {
        context = TestProviderContext.of("redis", Map.of("providers", Map.of("redis", Map.of("host", "redis.example",
                "pool_size", 3L, "database", 2L, "connect_timeout", "1s"))), log.logger());
        redis = new RedisProviderFactory().create(context);
        call("ensure_pool", options("pool_id", "configured"));
        call("ensure_pool", options("pool_id", "overridden", "size", 7L, "database", 4L));
        PoolSettings configured = context.pools().get("configured", RedisPool.class).settings();
        PoolSettings overridden = context.pools().get("overridden", RedisPool.class).settings();
        assertThat(configured.host()).isEqualTo("redis.example");
        assertThat(configured.size()).isEqualTo(3);
        assertThat(configured.database()).isEqualTo(2);
        assertThat(configured.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(overridden.size()).isEqualTo(7);
        assertThat(overridden.database()).isEqualTo(4);
        assertThat(overridden.host()).isEqualTo("redis.example");
    }

    @Test
    void aBadConfigValueStopsTheStartNamingTheKey() {
        TestProviderContext bad = TestProviderContext.of("redis",
                Map.of("providers", Map.of("redis", Map.of("port", "six"))), log.logger());
        assertThatThrownBy(() -> new RedisProviderFactory().create(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("providers.redis.port: an integer from 1 to 65535 expected, got 'six'");
    }

    @Test
    void aMalformedEnsurePoolFieldIsAnErrorNamingIt() {
        assertThatThrownBy(() -> call("ensure_pool", options("pool_id", "x", "database", "zero")))
                .isInstanceOf(ProviderException.class)
                .hasMessage("redis.ensure_pool: bad argument #1 (field 'database': an integer from 0 to 2147483647 "
                        + "expected, got 'zero')");
    }

    @Test
    void aPasswordOfTheWrongTypeIsRejectedWithoutShowingIt() {
        assertThatThrownBy(() -> call("ensure_pool", options("pool_id", "x", "password", 12345678L)))
                .hasMessage("redis.ensure_pool: bad argument #1 (field 'password': string expected, got number)");
    }

    @Test
    void settingsNeverShowThePassword() {
        PoolSettings settings = PoolSettings.BUILT_IN.with(Map.of("password", "s3cret"),
                (field, problem) -> new IllegalArgumentException(field + ": " + problem));
        assertThat(settings.toString()).doesNotContain("s3cret").contains("password=***");
    }

    @Test
    void unknownEnsurePoolOptionsAreIgnoredWithAWarning() {
        assertThat(call("ensure_pool", options("pool_id", "other", "max_overflow", 5L))).isEqualTo(true);
        assertThat(log.entries()).singleElement().satisfies(e -> assertThat(e.level()).isEqualTo("warn"));
    }

    @Test
    void ensurePoolSucceedsAtOnceWhenTheServerIsDown() throws Exception {
        long started = System.nanoTime();
        assertThat(call("ensure_pool", options("pool_id", "down", "host", "127.0.0.1",
                "port", (long) RedisTestServer.freePort()))).isEqualTo(true);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }

    // --- redis_test.lua --------------------------------------------------------------------

    @Test
    void stringCommandsFollowRedisTestLua() {
        assertThat(cmd("SET mykey somevalue")).isEqualTo(true);
        assertThat(cmd("GET mykey")).isEqualTo("somevalue");
        assertThat(cmd("SET mykey newval nx")).isNull();
        assertThat(cmd("SET mykey newval xx")).isEqualTo(true);
        assertThat(cmd("GET mykey")).isEqualTo("newval");
    }

    @Test
    void countersComeBackAsStrings() {
        assertThat(cmd("SET counter 100")).isEqualTo(true);
        assertThat(cmd("INCR counter")).isEqualTo("101");
        assertThat(cmd("INCR counter")).isEqualTo("102");
        assertThat(cmd("INCRBY counter 50")).isEqualTo("152");
    }

    @Test
    void multiBulkRepliesAreArraysOfStrings() {
        assertThat(cmd("MSET a 10 b 20 c 30")).isEqualTo(true);
        assertThat(cmd("MGET a b c")).isEqualTo(List.of("10", "20", "30"));
    }

    @Test
    void keyCommandsFollowRedisTestLua() {
        cmd("SET mykey x");
        assertThat(cmd("TYPE mykey")).isEqualTo("string");
        assertThat(cmd("DEL mykey")).isEqualTo("1");
        assertThat(cmd("TYPE mykey")).isEqualTo("none");
        cmd("SET key some-value");
        assertThat(cmd("EXPIRE key 5")).isEqualTo("1");
        assertThat(cmd("TTL key")).isEqualTo("5");
        assertThat(cmd("SET key 100 ex 10")).isEqualTo(true);
        assertThat(cmd("TTL key")).isEqualTo("10");
    }

    @Test
    void listCommandsFollowRedisTestLua() {
        assertThat(cmd("RPUSH mylist A")).isEqualTo("1");
        assertThat(cmd("RPUSH mylist B")).isEqualTo("2");
        assertThat(cmd("LPUSH mylist first")).isEqualTo("3");
        assertThat(cmd("LRANGE mylist 0 -1")).isEqualTo(List.of("first", "A", "B"));
        assertThat(cmd("RPUSH mylist 1 2 3 4 5", "foo bar")).isEqualTo("9");
        @SuppressWarnings("unchecked")
        List<Object> all = (List<Object>) cmd("LRANGE mylist 0 -1");
        assertThat(all).hasSize(9).last().isEqualTo("foo bar");
        assertThat(cmd("RPOP mylist")).isEqualTo("foo bar");
        for (int i = 0; i < 8; i++) {
            assertThat(cmd("RPOP mylist")).isNotNull();
        }
        assertThat(cmd("RPOP mylist")).isNull();
        cmd("RPUSH mylist 1 2 3 4 5");
        assertThat(cmd("LTRIM mylist 0 2")).isEqualTo(true);
        assertThat(cmd("LRANGE mylist 0 -1")).isEqualTo(List.of("1", "2", "3"));
    }

    // --- beyond the Lua test ---------------------------------------------------------------

    @Test
    void anErrorReplyIsFalse() {
        cmd("RPUSH alist x");
        assertThat(cmd("INCR alist")).isEqualTo(false);
        assertThat(cmd("NOSUCHCOMMAND a b")).isEqualTo(false);
    }

    @Test
    void extraArraysAreFlattenedAndExtraMapsBecomeKeyValuePairs() {
        assertThat(cmd("RPUSH flat", List.of("a b", 2L, 3.0))).isEqualTo("3");
        assertThat(cmd("LRANGE flat 0 -1")).isEqualTo(List.of("a b", "2", "3"));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", "Jules Verne");
        fields.put("born", 1828L);
        assertThat(cmd("HSET author", fields)).isEqualTo("2");
        assertThat(cmd("HGET author name")).isEqualTo("Jules Verne");
    }

    @Test
    void nestedArraysInRepliesAreKept() {
        cmd("SET k v");
        Object scan = cmd("SCAN 0");
        assertThat(scan).isInstanceOf(List.class);
        assertThat((List<?>) scan).hasSize(2).element(1).isEqualTo(List.of("k"));
    }

    @Test
    void binaryValuesComeBackAsBytes() {
        byte[] binary = {(byte) 0xff, 0, (byte) 0xfe};
        cmd("SET bin", binary);
        assertThat(cmd("GET bin")).isEqualTo(binary);
    }

    @Test
    void commandsThatChangeTheConnectionAreRefused() {
        assertThatThrownBy(() -> cmd("MULTI"))
                .hasMessage("redis.cmd: bad argument #2 (MULTI is not supported on pooled connections)");
        assertThatThrownBy(() -> cmd("select 1"))
                .hasMessage("redis.cmd: bad argument #2 (SELECT is not supported on pooled connections)");
    }

    @Test
    void anEmptyCommandIsABadArgument() {
        assertThatThrownBy(() -> cmd("  ")).hasMessage("redis.cmd: bad argument #2 (command expected, got an empty string)");
    }

    @Test
    void anUnknownPoolIsAnError() {
        assertThatThrownBy(() -> call("cmd", "nope", "PING")).isInstanceOf(ProviderException.class)
                .hasMessage("redis.cmd: unknown pool: nope");
    }

    @Test
    void theDatabaseOptionSelectsTheDatabase() {
        EmbeddedRedis.Endpoint server = EmbeddedRedis.endpoint();
        call("ensure_pool", options("pool_id", "db3", "host", server.host(), "port", (long) server.port(),
                "user", server.user(), "password", server.password(), "database", 3L));
        call("cmd", "db3", "SET only-in-3 yes");
        assertThat(call("cmd", "db3", "GET only-in-3")).isEqualTo("yes");
        assertThat(cmd("GET only-in-3")).isNull();
    }

    @Test
    void thePoolOpensNoMoreThanSizeConnections() throws Exception {
        EmbeddedRedis.Endpoint server = EmbeddedRedis.endpoint();
        call("ensure_pool", options("pool_id", "one", "host", server.host(), "port", (long) server.port(),
                "user", server.user(), "password", server.password(), "size", 1L, "pool_timeout", 200L));
        CountDownLatch sent = new CountDownLatch(1);
        CompletableFuture<Object> blocking = CompletableFuture.supplyAsync(() -> {
            sent.countDown();
            return call("cmd", "one", "BLPOP empty-list 2");
        });
        sent.await();
        Thread.sleep(300);
        assertThatThrownBy(() -> call("cmd", "one", "PING"))
                .hasMessage("redis.cmd: pool one: all 1 connections busy for 200 ms");
        assertThat(blocking.get()).isNull();
        assertThat(context.pools().get("one", RedisPool.class).openConnections()).isEqualTo(1);
    }

    // --- a server of its own: down, restarted, with a password -----------------------------

    @Test
    void aDownServerFailsFastAndThePoolRecoversWhenItIsBack() throws Exception {
        assumeThat(EmbeddedRedis.isExternal()).as("needs an embedded server to stop").isFalse();
        try (RedisTestServer own = RedisTestServer.start()) {
            call("ensure_pool", options("pool_id", "own", "host", own.host(), "port", (long) own.port()));
            assertThat(call("cmd", "own", "SET k v")).isEqualTo(true);
            own.stop();
            long started = System.nanoTime();
            assertThatThrownBy(() -> call("cmd", "own", "GET k")).isInstanceOf(ProviderException.class)
                    .hasMessageStartingWith("redis.cmd: pool own: ");
            assertThatThrownBy(() -> call("cmd", "own", "GET k"))
                    .hasMessage("redis.cmd: pool own: cannot connect to 127.0.0.1:" + own.port() + " (connection refused)");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            own.restart();
            assertThat(eventually(() -> call("cmd", "own", "SET k again"), Duration.ofSeconds(10))).isEqualTo(true);
            assertThat(call("cmd", "own", "GET k")).isEqualTo("again");
        }
    }

    @Test
    void aPasswordProtectedServerAcceptsThePoolsPassword() {
        assumeThat(EmbeddedRedis.isExternal()).as("needs an embedded server with requirepass").isFalse();
        try (RedisTestServer guarded = RedisTestServer.start("requirepass s3cret-pass")) {
            call("ensure_pool", options("pool_id", "guarded", "host", guarded.host(), "port", (long) guarded.port(),
                    "password", "s3cret-pass"));
            assertThat(call("cmd", "guarded", "SET k v")).isEqualTo(true);
            assertThat(call("cmd", "guarded", "GET k")).isEqualTo("v");
        }
    }

    @Test
    void aUserIsSentWithThePasswordWhenItIsSet() {
        assumeThat(EmbeddedRedis.isExternal()).as("needs an embedded server with an ACL user").isFalse();
        try (RedisTestServer guarded = RedisTestServer.start("user alice on >alice-pass ~* +@all",
                "user reader on >reader-pass ~* +get +acl")) {
            call("ensure_pool", options("pool_id", "alice", "host", guarded.host(), "port", (long) guarded.port(),
                    "user", "alice", "password", "alice-pass"));
            assertThat(call("cmd", "alice", "SET k v")).isEqualTo(true);
            assertThat(call("cmd", "alice", "ACL WHOAMI")).isEqualTo("alice");
            call("ensure_pool", options("pool_id", "reader", "host", guarded.host(), "port", (long) guarded.port(),
                    "user", "reader", "password", "reader-pass"));
            assertThat(call("cmd", "reader", "GET k")).isEqualTo("v");
            assertThat(call("cmd", "reader", "SET k w")).as("NOPERM is an error reply").isEqualTo(false);
        }
    }

    @Test
    void aWrongPasswordFailsWithoutShowingThePassword() {
        assumeThat(EmbeddedRedis.isExternal()).as("needs an embedded server with requirepass").isFalse();
        try (RedisTestServer guarded = RedisTestServer.start("requirepass s3cret-pass")) {
            call("ensure_pool", options("pool_id", "wrong", "host", guarded.host(), "port", (long) guarded.port(),
                    "password", "not-the-Pa55word"));
            call("ensure_pool", options("pool_id", "none", "host", guarded.host(), "port", (long) guarded.port()));
            assertThatThrownBy(() -> call("cmd", "wrong", "GET k")).isInstanceOf(ProviderException.class)
                    .hasMessage("redis.cmd: pool wrong: authentication failed at 127.0.0.1:" + guarded.port())
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-the-Pa55word"));
            assertThatThrownBy(() -> call("cmd", "none", "GET k"))
                    .hasMessage("redis.cmd: pool none: authentication required by 127.0.0.1:" + guarded.port());
        }
    }

    private static Object eventually(java.util.function.Supplier<Object> call, Duration limit) throws InterruptedException {
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
