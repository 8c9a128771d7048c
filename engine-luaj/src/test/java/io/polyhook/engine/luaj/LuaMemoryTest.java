package io.polyhook.engine.luaj;

import io.polyhook.core.provider.DataProvider;
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
 * What one Lua state may hold ({@code scripts.lua.sandbox.max_memory}, 64 MiB by default): a call
 * that would make its state hold more fails with a one-line error naming the key, and the state
 * goes on serving. Memory a call allocates and lets go (building a string piece by piece) does
 * not count. Before, one call of repeated 16 MiB concatenations filled a 1 GiB heap.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LuaMemoryTest {

    private static final String OVER = "(scripts.lua.sandbox.max_memory)";

    @RegisterExtension
    final InlineScripts scripts = new InlineScripts(new LuaEngine()).stateWait(Duration.ofSeconds(60));

    private LoadedScript hostile(String body) throws ScriptLoadException {
        return HostileCalls.hostile(scripts, body);
    }

    private void assertOutOfMemoryAndStillServing(LoadedScript script) throws Exception {
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil")))
                .hasMessageMatching("[^\\n]*test\\.lua:\\d+: out of memory: the state would hold about \\d+(\\.\\d)? MiB, "
                        + "more than \\d+(\\.\\d)? MiB \\(scripts\\.lua\\.sandbox\\.max_memory\\)");
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("good"))).isEqualTo(Verdict.ok());
    }

    @Test
    void repeated_16_mib_concatenations_kept_in_a_table_fail_the_call_at_the_cap() throws Exception {
        assertOutOfMemoryAndStillServing(hostile("""
                local t, s = {}, string.rep('x', 16 * 2^20 - 64)
                for i = 1, 1000 do t[i] = s .. i end
                """));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // Many small tables.
            "local t = {} for i = 1, 1e8 do t[i] = {i} end",
            // Many distinct strings.
            "local t = {} for i = 1, 1e8 do t[i] = 'value number ' .. i end",
            // A table grown and emptied keeps its capacity.
            "local t = {} for n = 1, 1e4 do local u = {} for i = 1, 2^17 do u[i] = true end for i = 1, 2^17 do u[i] = nil end t[n] = u end",
            // Copies made by library functions.
            "local s, t = string.rep('x', 2^20), {} for i = 1, 1e4 do t[i] = s:upper() end",
            "local s, t = string.rep('x', 2^20), {} for i = 1, 1e4 do t[i] = s:gsub('x', 'y') end",
            "local s, t = string.rep('x', 2^20), {} for i = 1, 1e4 do t[i] = table.concat({s, i}) end",
            "local s, t = string.rep('x', 2^20), {} for i = 1, 1e4 do t[i] = string.format('%s%d', s, i) end",
            // Strings held where no table shows them: iterators, compiled chunks, upvalues.
            "local s, t = string.rep('x', 2^20), {} for i = 1, 1e4 do t[i] = (s .. i):gmatch('x') end",
            "local s, t = string.rep('x', 2^20), {} for i = 1, 1e4 do t[i] = load('return \\'' .. s .. i .. '\\'') end",
            "local s, t = string.rep('x', 2^20), {} for i = 1, 1e4 do local v = s .. i t[i] = function() return v end end",
            "local s, t = string.rep('x', 2^20), {} for i = 1, 1e4 do rawset(t, i, s .. i) end",
            "local s, t = string.rep('x', 2^20), {} for i = 1, 1e4 do t[i] = s .. i end local u = {} table.move(t, 1, #t, 1, u)",
            // The arguments the broker made for the call are the script's to fill.
            "local s = string.rep('x', 2^20) for i = 1, 1e4 do pub[i] = s .. i end",
    })
    void every_way_of_keeping_memory_is_stopped_at_the_cap(String body) throws Exception {
        scripts.settings(Map.of("sandbox", Map.of("max_memory", 16L << 20)));
        assertOutOfMemoryAndStillServing(hostile(body));
    }

    @Test
    void memory_allocated_and_let_go_does_not_count() throws Exception {
        // About 450 MB allocated in all, quadratically, for a string of 30,000 bytes.
        LoadedScript script = hostile("""
                local s = ''
                for i = 1, 30000 do s = s .. 'x' end
                assert(#s == 30000)
                for i = 1, 200 do local t = {} for k = 1, 10000 do t[k] = k end end
                """);
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil"))).isEqualTo(Verdict.ok());
    }

    @Test
    void a_state_that_keeps_growing_across_calls_is_stopped_when_it_passes_the_cap() throws Exception {
        LoadedScript script = scripts.settings(Map.of("sandbox", Map.of("max_memory", 8L << 20))).load("""
                keep_state = true
                cache = {}
                hooks = { auth_on_publish = function(pub)
                    if pub.client_id == "evil" then cache[#cache + 1] = string.rep('x', 2^20) .. #cache end
                    return true
                end }
                """);
        Throwable failure = null;
        for (int i = 0; i < 100 && failure == null; i++) {
            try {
                call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil"));
            } catch (Exception e) {
                failure = e;
            }
        }
        assertThat(failure).hasMessageContaining(OVER);
    }

    @Test
    void a_value_reaching_one_table_many_times_is_not_expanded_into_the_heap() throws Exception {
        // 60 tables, 2^60 paths: converting it for a library would never end.
        scripts.provider(DataProvider.builder("sink").function("take", args -> true).build());
        LoadedScript script = hostile("local t = {} for i = 1, 60 do t = {t, t} end sink.take(t)");
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil")))
                .hasMessageContaining("test.lua:")
                .hasMessageContaining("a value of more than 64 MiB cannot be converted " + OVER);
    }

    @Test
    void such_a_value_returned_by_a_hook_fails_the_call_too() throws Exception {
        LoadedScript script = hostile("local t = {} for i = 1, 60 do t = {t, t} end return {payload = t}");
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil")))
                .hasMessageContaining("cannot be converted " + OVER);
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("good"))).isEqualTo(Verdict.ok());
    }

    @Test
    void a_library_answer_larger_than_the_cap_is_refused() throws Exception {
        scripts.provider(DataProvider.builder("big").function("list", args -> java.util.Collections.nCopies(3_000_000, 1L))
                .build());
        LoadedScript script = hostile("local l = big.list()");
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("evil")))
                .hasMessageContaining(OVER);
    }

    @Test
    void the_top_level_code_is_held_to_the_cap_too() {
        assertThatThrownBy(() -> scripts.settings(Map.of("sandbox", Map.of("max_memory", 16L << 20)))
                .load("t = {} for i = 1, 1e8 do t[i] = 'value number ' .. i end\nhooks = {}"))
                .isInstanceOf(ScriptLoadException.class)
                .hasMessageContaining("test.lua:1: out of memory")
                .hasMessageContaining(OVER);
    }

    @Test
    void max_memory_must_be_a_positive_number_of_bytes() {
        assertThatThrownBy(() -> scripts.settings(Map.of("sandbox", Map.of("max_memory", "lots"))).load("hooks = {}"))
                .isInstanceOf(ScriptLoadException.class)
                .hasMessageContaining("sandbox.max_memory must be a positive integer");
    }
}
