package io.polyhook.provider.log;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.testing.RecordingLogger;
import io.polyhook.provider.testing.Providers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogProviderTest {

    private final Map<String, RecordingLogger> loggers = new ConcurrentHashMap<>();
    private final AtomicReference<String> runningScript = new AtomicReference<>();
    private final DataProvider log = ScriptLog.create(
            name -> loggers.computeIfAbsent(name, RecordingLogger::new).logger(), runningScript::get);

    private List<RecordingLogger.Entry> logged(String loggerName) {
        return loggers.get(loggerName).entries();
    }

    @ParameterizedTest(name = "log.{0} writes at {1}")
    @CsvSource({"debug, debug", "info, info", "warning, warn", "error, error"})
    void eachFunctionWritesAtItsLevel(String function, String level) {
        assertThat(Providers.call(log, function, "a line")).isNull();
        assertThat(logged("io.polyhook.script"))
                .containsExactly(new RecordingLogger.Entry(level, "{}", List.of("a line")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"~p ~s ~~ {} {}", "100% %s %d", "\\{} {0}"})
    void theLineIsWrittenLiterallyNeverAsAFormat(String line) {
        Providers.call(log, "info", line);
        assertThat(logged("io.polyhook.script"))
                .containsExactly(new RecordingLogger.Entry("info", "{}", List.of(line)));
    }

    @Test
    void aBinaryLineIsWrittenAsUtf8() {
        Providers.call(log, "info", "h\u00e9".getBytes(StandardCharsets.UTF_8));
        assertThat(logged("io.polyhook.script").getFirst().arguments()).containsExactly("h\u00e9");
    }

    @Test
    void linesGoToTheScriptsLoggerWhenTheRunningScriptIsKnown() {
        runningScript.set("auth_postgres");
        Providers.call(log, "info", "hello");
        assertThat(logged("io.polyhook.script.auth_postgres")).hasSize(1);
        assertThat(loggers).doesNotContainKey("io.polyhook.script");
    }

    static List<Object[]> nonStrings() {
        return List.of(new Object[] {1L, "number"}, new Object[] {Map.of("a", "b"), "table"},
                new Object[] {true, "boolean"});
    }

    @ParameterizedTest(name = "a {1}")
    @org.junit.jupiter.params.provider.MethodSource("nonStrings")
    void anArgumentThatIsNotAStringIsAnError(Object argument, String type) {
        assertThatThrownBy(() -> Providers.call(log, "warning", argument))
                .isInstanceOf(ProviderException.class)
                .hasMessage("log.warning: bad argument #1 (string expected, got " + type + ")");
    }

    @Test
    void noArgumentIsAnError() {
        assertThatThrownBy(() -> Providers.call(log, "info"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("log.info: bad argument #1 (string expected, got no value)");
    }

    @Test
    void theFactoryMakesTheFourLevelsOfVmqDiversity() {
        DataProvider fromFactory = Providers.start(new LogProviderFactory());
        assertThat(fromFactory.functions().keySet()).containsExactly("debug", "info", "warning", "error");
        assertThat(Providers.call(fromFactory, "info", "tilde ~p and braces {} through SLF4J")).isNull();
    }
}
