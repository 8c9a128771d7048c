package io.polyhook.engine.luaj;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A call that spends its time inside a library function written in Java stops at its deadline
 * like a Lua loop does, and one that would build too much is refused before it does. Before,
 * each of these ran for minutes (or took the heap) past a deadline of 5 s. The deadline here is
 * 1 s; the timeout of each test only bounds a hang.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LuaLibraryDeadlineTest {

    @RegisterExtension
    final InlineScripts scripts = new InlineScripts(new LuaEngine()).stateWait(Duration.ofSeconds(1));

    private LoadedScript hostile(String body) throws ScriptLoadException {
        return HostileCalls.hostile(scripts, body);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // The trim of issue 14 on "a", 200,000 spaces, "a": quadratic backtracking.
            "local s = 'a' .. string.rep(' ', 200000) .. 'a' return s:match('^%s*(.-)%s*$')",
            // Exponential backtracking.
            "return string.rep('a', 40):match(string.rep('a*', 40) .. 'b')",
            "return string.rep('a', 30):match(string.rep('a?', 30) .. string.rep('a', 30))",
            "return (string.rep('a', 100000)):gsub('a-b', '')",
            "for w in string.rep('a', 100000):gmatch('a-b') do end",
            // A plain search that compares a long needle at every position.
            "return string.find(string.rep('a', 2000000), string.rep('a', 1000000) .. 'b', 1, true)",
            // Each comparison of two long equal strings is a long single instruction.
            "local a, b = string.rep('x', 8000000), string.rep('x', 8000000) while a == b do end",
            "local a, b = string.rep('x', 8000000), string.rep('x', 8000000) .. 'y' while a < b do end",
            // table.move (Lua 5.3) over 2^40 nils.
            "table.move({}, 1, 2^40, 1)",
            "while true do pcall(table.move, {}, 1, 2^40, 1) end",
            // A pattern that fails after scanning a long balanced run, over and over.
            "local s = string.rep('(', 100000) while true do s:find('%b()') end",
    })
    void a_call_inside_a_library_function_stops_at_its_deadline(String body) throws Exception {
        LoadedScript script = hostile(body);
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil")))
                .hasMessageMatching("(?s).*test\\.lua:\\d+: .*")
                .hasMessageContaining("the call ran past its deadline of 1 s (scripts.hook_timeout)");
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("good"))).isEqualTo(Verdict.ok());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "string.rep('x', 1e15)                   | string.rep would build a string of 1000000000000000 bytes, more than the limit of 16777216 (scripts.lua.sandbox.max_string_size)",
            "table.unpack({}, 1, 2^28)               | too many results to unpack",
            "string.byte(string.rep('x', 2000000), 1, -1) | string slice too long",
            "os.date(string.rep('%c', 4e6))          | os.date would build a string",
            "local x = string.rep('x', 1000) local t = setmetatable({}, {__index = function() return x end}) return table.concat(t, '', 1, 2^40) | table.concat would build a string",
            "local x = string.rep('x', 65536) load(function() return x end) | load would build a string",
            "local s = string.rep('x', 9000000) return s:upper() .. s:lower() | concatenation would build a string",
            "return string.format('%q', string.rep('\\n', 9000000)) | string.format would build a string",
    })
    void a_library_call_that_would_build_too_much_is_refused_before_it_builds(String body, String message) throws Exception {
        // A deadline that a busy machine does not reach first: these are refused, not stopped.
        scripts.stateWait(Duration.ofSeconds(60));
        LoadedScript script = hostile(body);
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil")))
                .hasMessageMatching("(?s).*test\\.lua:\\d+: .*")
                .hasMessageContaining(message);
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("good"))).isEqualTo(Verdict.ok());
    }

    @Test
    void repeating_nothing_a_quadrillion_times_returns_at_once() throws Exception {
        LoadedScript script = hostile("assert(string.rep('', 1e15) == '' and string.rep('', 1e15, '') == '')");
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil"))).isEqualTo(Verdict.ok());
    }

    @Test
    void a_call_interrupted_inside_a_pattern_match_stops() throws Exception {
        LoadedScript script = scripts.stateWait(Duration.ofMinutes(10)).load("""
                hooks = { auth_on_publish = function(pub)
                    probe.hit('matching', 1)
                    local s = 'a' .. string.rep(' ', 200000) .. 'a'
                    return s:match('^%s*(.-)%s*$') ~= nil
                end }
                """);
        assertThat(HostileCalls.interruptedCall(scripts, script, "matching"))
                .hasMessageContaining("interrupted at the hook's deadline (scripts.hook_timeout)");
    }

    @Test
    void a_provider_that_swallows_the_interrupt_does_not_keep_the_call_alive() throws Exception {
        scripts.provider(io.polyhook.core.provider.DataProvider.builder("swallow")
                .function("sleep", args -> {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        // A careless library: the interrupt is lost here.
                    }
                    return true;
                }).build());
        LoadedScript script = hostile("while true do swallow.sleep() end");
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil")))
                .hasMessageContaining("scripts.hook_timeout");
    }

    @Test
    void the_deadline_can_be_switched_off_with_the_rest_of_the_limits_for_trusted_scripts() throws Exception {
        LoadedScript script = scripts.settings(Map.of("sandbox", Map.of("limit_execution", false))).load("""
                hooks = { auth_on_publish = function(pub)
                    local t0 = os.clock()
                    while os.clock() - t0 < 1.5 do end
                    return true
                end }
                """);
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("any"))).isEqualTo(Verdict.ok());
    }
}
