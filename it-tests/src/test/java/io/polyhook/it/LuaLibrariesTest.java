package io.polyhook.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.internal.ScriptInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The library test scripts of vmq_diversity (reference §4.3), rewritten for Polyhook, in
 * {@code src/test/resources/providers}: each script's top-level asserts are the test, so a script
 * passes if and only if it loads. A failed assert fails the load with {@code file:line: message},
 * which becomes the test's failure message.
 */
class LuaLibrariesTest {

    /** Replaced in every script by the base URL of the local echo server. */
    static final String HTTP_URL = "@HTTP_URL@";

    @TempDir
    static Path tmp;
    static Path loadDir;
    static HttpServer http;
    static TestBroker broker;

    @BeforeAll
    static void start() throws IOException {
        Path scriptsDir = Files.createDirectories(tmp.resolve("scripts"));   // stays empty
        loadDir = Files.createDirectories(tmp.resolve("load"));
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", LuaLibrariesTest::echo);
        http.start();
        broker = TestBroker.configured(c -> c.withScripts(
                new ScriptsConfig(scriptsDir.toString(), List.of(), 2, Duration.ofSeconds(5))));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (http != null) {
            http.stop(0);
        }
    }

    /** {@code /echo}: 200, "METHOD path x-test=header body=body", header x-echo; anything else 404. */
    private static void echo(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] in = ex.getRequestBody().readAllBytes();
            if (!ex.getRequestURI().getPath().equals("/echo")) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String xTest = Objects.requireNonNullElse(ex.getRequestHeaders().getFirst("x-test"), "");
            byte[] out = (ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " x-test=" + xTest + " body="
                    + new String(in, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("X-Echo", "echoed");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
        }
    }

    /** Copies a script from the classpath to the load directory, with the echo server's URL in it. */
    private static Path copy(String name) throws IOException {
        try (InputStream in = LuaLibrariesTest.class.getResourceAsStream("/providers/" + name)) {
            assertThat(in).as("resource providers/" + name).isNotNull();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace(HTTP_URL, "http://127.0.0.1:" + http.getAddress().getPort());
            return Files.writeString(loadDir.resolve(name), text);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ets_test.lua", "json_test.lua", "bcrypt_test.lua", "log_test.lua", "crypto_test.lua",
            "vmq_api_test.lua", "http_test.lua", "obf_test.lua"})
    void scriptLoadsWithEveryAssertHolding(String name) throws IOException {
        Path script = copy(name);
        ScriptInfo info;
        try {
            info = broker.broker.scripts().load(script);
        } catch (ScriptLoadException e) {
            fail(e.getMessage(), e);
            return;
        }
        assertThat(info.hooks()).isEmpty();
    }

    @Test
    void aFailingAssertFailsTheLoadWithItsFileAndLine() throws IOException {
        Path script = Files.writeString(loadDir.resolve("failing_assert_test.lua"), """
                hooks = {}
                local x = 1
                assert(x == 2, "x is 2")
                """);
        assertThatThrownBy(() -> broker.broker.scripts().load(script))
                .isInstanceOfSatisfying(ScriptLoadException.class, e -> {
                    assertThat(e.path()).isEqualTo(script.toAbsolutePath().normalize());
                    assertThat(e.line()).hasValue(3);
                    assertThat(e.getMessage()).contains("failing_assert_test.lua:3:").contains("x is 2");
                });
        assertThat(broker.broker.scripts().find(script)).isEmpty();
    }
}
