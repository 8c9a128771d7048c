package io.polyhook.provider.http;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderCatalog;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.testing.RecordingLogger;
import io.polyhook.core.provider.testing.TestProviderContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class HttpProviderTest {

    private static EchoServer server;

    private final RecordingLogger log = new RecordingLogger("io.polyhook.provider.http");
    private TestProviderContext context = TestProviderContext.of("http", Map.of(), log.logger());
    private DataProvider http = new HttpProviderFactory().create(context);

    @BeforeAll
    static void startServer() throws IOException {
        server = new EchoServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void closePools() {
        context.pools().close();
    }

    private Object call(String function, Object... args) {
        return http.functions().get(function).call(Arguments.of("http." + function, Arrays.asList(args)));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> request(String function, Object... args) {
        call("ensure_pool", Map.of("pool_id", "p"));
        Object[] withPool = new Object[args.length + 1];
        withPool[0] = "p";
        System.arraycopy(args, 0, withPool, 1, args.length);
        Object result = call(function, withPool);
        assertThat(result).isInstanceOf(Map.class);
        return (Map<String, Object>) result;
    }

    private static String header(Map<String, Object> result, String name) {
        return (String) ((Map<?, ?>) result.get("headers")).get(name);
    }

    @Test
    void ensurePoolWithoutOptionsRegistersPoolHttp() {
        assertThat(call("ensure_pool")).isEqualTo(true);
        assertThat(context.pools().ids()).containsExactly("pool_http");
        assertThat(context.pools().get("pool_http", HttpPool.class).settings()).isEqualTo(PoolSettings.BUILT_IN);
    }

    @Test
    void ensurePoolAgainKeepsTheFirstPool() {
        call("ensure_pool", Map.of("pool_id", "p", "size", 1L));
        HttpPool first = context.pools().get("p", HttpPool.class);
        assertThat(call("ensure_pool", Map.of("pool_id", "p", "size", 5L))).isEqualTo(true);
        assertThat(context.pools().get("p", HttpPool.class)).isSameAs(first);
        assertThat(first.settings().size()).isEqualTo(1);
    }

    @Test
    void poolsTakeTheirDefaultsFromTheConfigAndScriptsOverrideThem() {
        context = TestProviderContext.of("http", Map.of("providers", Map.of("http",
                Map.of("size", 3L, "connect_timeout", "2s", "request_timeout", 1500L))), log.logger());
        http = new HttpProviderFactory().create(context);
        call("ensure_pool", Map.of("pool_id", "configured"));
        call("ensure_pool", Map.of("pool_id", "overridden", "size", 7L, "request_timeout", "250ms"));
        assertThat(context.pools().get("configured", HttpPool.class).settings())
                .isEqualTo(new PoolSettings(3, Duration.ofSeconds(2), Duration.ofMillis(1500)));
        assertThat(context.pools().get("overridden", HttpPool.class).settings())
                .isEqualTo(new PoolSettings(7, Duration.ofSeconds(2), Duration.ofMillis(250)));
    }

    @Test
    void aBadConfigValueStopsTheStartNamingTheKey() {
        TestProviderContext bad = TestProviderContext.of("http",
                Map.of("providers", Map.of("http", Map.of("connect_timeout", "soon"))), log.logger());
        assertThatThrownBy(() -> new HttpProviderFactory().create(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("providers.http.connect_timeout: a duration expected (milliseconds, or a string such as "
                        + "\"500ms\" or \"5s\"), got 'soon'");
    }

    @Test
    void unknownEnsurePoolOptionsAreIgnoredWithAWarning() {
        assertThat(call("ensure_pool", Map.of("pool_id", "p", "max_overflow", 5L))).isEqualTo(true);
        assertThat(log.entries()).singleElement().satisfies(e -> assertThat(e.level()).isEqualTo("warn"));
    }

    @ParameterizedTest(name = "http.{0} sends {1}")
    @CsvSource({"get, GET", "put, PUT", "post, POST", "delete, DELETE"})
    void eachVerbSendsItsMethodAndReturnsStatusHeadersAndBody(String function, String method) {
        Map<String, Object> result = request(function, server.url("/echo"), "payload");
        assertThat(result).containsOnlyKeys("status", "headers", "ref");
        assertThat(result.get("status")).isEqualTo(200L);
        assertThat(header(result, "x-echo-method")).isEqualTo(method);
        assertThat(result.get("ref")).isEqualTo("payload");
    }

    @Test
    void aStringBodyIsSentAsIs() {
        Map<String, Object> result = request("post", server.url("/echo"), "{\"raw\": true}");
        assertThat(result.get("ref")).isEqualTo("{\"raw\": true}");
        assertThat(header(result, "x-echo-content-type")).isEqualTo("null");
    }

    @Test
    void aTableBodyIsSentFormUrlEncoded() {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("user", "alice smith");
        form.put("n", 5L);
        form.put("ok", true);
        form.put("sym", "a&b=c");
        Map<String, Object> result = request("post", server.url("/echo"), form);
        assertThat(result.get("ref")).isEqualTo("user=alice+smith&n=5&ok=true&sym=a%26b%3Dc");
        assertThat(header(result, "x-echo-content-type")).isEqualTo("application/x-www-form-urlencoded");
    }

    @Test
    void headersFollowAStringBody() {
        Map<String, Object> result = request("post", server.url("/echo"), "", Map.of("X-Test", "yes", "Accept", "text/plain"));
        assertThat(header(result, "x-echo-x-test")).isEqualTo("yes");
        assertThat(header(result, "x-echo-accept")).isEqualTo("text/plain");
    }

    @Test
    void theFirstTableAfterTheUrlIsAFormBodyAsInVmqDiversity() {
        Map<String, Object> result = request("post", server.url("/echo"), Map.of("X-Test", "yes"));
        assertThat(result.get("ref")).isEqualTo("X-Test=yes");
        assertThat(header(result, "x-echo-x-test")).isEqualTo("null");
    }

    @Test
    void headersAloneFollowANilBody() {
        Map<String, Object> result = request("get", server.url("/echo"), null, Map.of("X-Test", "yes"));
        assertThat(header(result, "x-echo-x-test")).isEqualTo("yes");
        assertThat(result.get("ref")).isEqualTo("");
    }

    @Test
    void headersFollowAFormBody() {
        Map<String, Object> result = request("post", server.url("/echo"), Map.of("a", "1"), Map.of("X-Test", "yes"));
        assertThat(result.get("ref")).isEqualTo("a=1");
        assertThat(header(result, "x-echo-x-test")).isEqualTo("yes");
    }

    @Test
    void aContentTypeHeaderOverridesTheFormDefault() {
        Map<String, Object> result = request("post", server.url("/echo"), Map.of("a", "1"),
                Map.of("content-type", "text/x-custom"));
        assertThat(header(result, "x-echo-content-type")).isEqualTo("text/x-custom");
    }

    @Test
    void theQueryStringIsSent() {
        assertThat(header(request("get", server.url("/echo?x=1&y=a%20b")), "x-echo-query")).isEqualTo("x=1&y=a%20b");
    }

    @Test
    void userInfoInTheUrlBecomesBasicAuth() {
        String url = server.url("/echo").replace("http://", "http://user:pa%3Ass@");
        String expected = "Basic " + Base64.getEncoder().encodeToString("user:pa:ss".getBytes(StandardCharsets.UTF_8));
        assertThat(header(request("get", url), "x-echo-authorization")).isEqualTo(expected);
    }

    @Test
    void aStatusThatIsNotSuccessIsAResultNotAnError() {
        Map<String, Object> result = request("get", server.url("/status/404"));
        assertThat(result.get("status")).isEqualTo(404L);
        assertThat(result.get("ref")).isEqualTo("status 404");
        assertThat(request("post", server.url("/status/503")).get("status")).isEqualTo(503L);
    }

    @Test
    void repeatedResponseHeadersAreJoinedUnderTheirLowerCaseName() {
        Map<String, Object> result = request("get", server.url("/cookies"));
        assertThat(result.get("status")).isEqualTo(204L);
        assertThat(header(result, "set-cookie")).isEqualTo("a=1, b=2");
    }

    @Test
    void aBodyThatIsNotUtf8ComesBackAsBinary() {
        assertThat((byte[]) request("get", server.url("/binary")).get("ref")).containsExactly(0xff, 0, 1);
    }

    @Test
    void aTimeoutReturnsFalseAndLogsTheUrlWithoutCredentialsOrQuery() {
        call("ensure_pool", Map.of("pool_id", "impatient", "request_timeout", 200L));
        String url = server.url("/slow?token=t0ps3cret").replace("http://", "http://user:s3cret@");
        assertThat(call("get", "impatient", url)).isEqualTo(false);
        assertThat(log.entries()).singleElement().satisfies(e -> {
            assertThat(e.level()).isEqualTo("warn");
            // On a busy machine the 200 ms may run out while connecting: the connect variant then.
            assertThat(e.arguments()).hasSize(4).startsWith("http.get", "GET", server.url("/slow"));
            assertThat(e.arguments().get(3)).isIn("java.net.http.HttpTimeoutException",
                    "java.net.http.HttpConnectTimeoutException");
        });
    }

    @Test
    void aRefusedConnectionReturnsFalseAndLogsAWarning() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/nothing";
        call("ensure_pool", Map.of("pool_id", "p"));
        assertThat(call("post", "p", url, "body")).isEqualTo(false);
        assertThat(log.entries()).singleElement().satisfies(e -> {
            assertThat(e.level()).isEqualTo("warn");
            assertThat(e.arguments()).containsExactly("http.post", "POST", url, "java.net.ConnectException");
        });
    }

    @Test
    void bodyReturnsItsArgument() {
        assertThat(call("body", "the body")).isEqualTo("the body");
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> badCalls() {
        return Stream.of(
                arguments("get", List.of("nope", "http://127.0.0.1/"), "http.get: unknown pool: nope"),
                arguments("get", List.of(1L, "http://127.0.0.1/"), "http.get: bad argument #1 (string expected, got number)"),
                arguments("get", List.of("p", 1L), "http.get: bad argument #2 (string expected, got number)"),
                arguments("get", List.of("p"), "http.get: bad argument #2 (string expected, got no value)"),
                arguments("get", List.of("p", "ftp://127.0.0.1/"),
                        "http.get: bad argument #2 (http:// or https:// URL with a host expected)"),
                arguments("get", List.of("p", "/relative"),
                        "http.get: bad argument #2 (http:// or https:// URL with a host expected)"),
                arguments("get", List.of("p", "http://user:s3cret@[bad/"), "http.get: bad argument #2 (not a valid URL)"),
                arguments("get", List.of("p", "http://127.0.0.1:99999/s3cret"), "http.get: bad argument #2 (not a valid URL)"),
                arguments("post", List.of("p", "http://127.0.0.1/", 5L),
                        "http.post: bad argument #3 (string or table expected, got number)"),
                arguments("post", List.of("p", "http://127.0.0.1/", "", "X-Test: yes"),
                        "http.post: bad argument #4 (table expected, got string)"),
                arguments("post", List.of("p", "http://127.0.0.1/", "", Map.of("X-Test", Map.of())),
                        "http.post: bad argument #4 (header 'X-Test': string or number expected, got table)"),
                arguments("post", List.of("p", "http://127.0.0.1/", "", Map.of("Host", "example.com")),
                        "http.post: bad argument #4 (header 'Host' cannot be set)"),
                arguments("post", List.of("p", "http://127.0.0.1/", "", Map.of("X-Bad", "s3cret\r\nInjected: 1")),
                        "http.post: bad argument #4 (header 'X-Bad' cannot be set)"),
                arguments("post", List.of("p", "http://127.0.0.1/", Map.of("a", List.of("x"))),
                        "http.post: bad argument #3 (form field 'a': string or number expected, got array)"),
                arguments("ensure_pool", List.of(Map.of("size", 0L)),
                        "http.ensure_pool: bad argument #1 (field 'size': an integer from 1 to 10000 expected, got 0)"),
                arguments("ensure_pool", List.of(Map.of("pool_id", 5L)),
                        "http.ensure_pool: bad argument #1 (field 'pool_id': non-empty string expected, got number)"),
                arguments("ensure_pool", List.of(Map.of("request_timeout", "later")),
                        "http.ensure_pool: bad argument #1 (field 'request_timeout': a duration expected (milliseconds, "
                                + "or a string such as \"500ms\" or \"5s\"), got 'later')"),
                arguments("ensure_pool", List.of("p"), "http.ensure_pool: bad argument #1 (table expected, got string)"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("badCalls")
    void badCallsRaiseAnErrorNamingTheFunctionAndArgumentButNoSecret(String function, List<Object> args, String message) {
        call("ensure_pool", Map.of("pool_id", "p"));
        assertThatThrownBy(() -> call(function, args.toArray()))
                .isInstanceOf(ProviderException.class)
                .hasMessage(message)
                .message().doesNotContain("s3cret");
    }

    @Test
    void aPoolIdTakenByAnotherProvidersPoolIsAnError() {
        context.pools().ensure("shared", AutoCloseable.class, () -> () -> { });
        assertThatThrownBy(() -> call("ensure_pool", Map.of("pool_id", "shared")))
                .isInstanceOf(ProviderException.class)
                .hasMessageStartingWith("http.ensure_pool: pool shared is a ");
    }

    @Test
    void serviceLoaderFindsTheHttpProvider() {
        try (ProviderCatalog catalog = ProviderCatalog.builder().discover(getClass().getClassLoader()).start()) {
            assertThat(catalog.provider("http").orElseThrow().functions().keySet())
                    .containsExactly("ensure_pool", "get", "put", "post", "delete", "body");
        }
    }
}
