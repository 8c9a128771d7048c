package io.polyhook.engine.graaljs;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.internal.ScriptEngines;
import io.polyhook.core.script.internal.ScriptManager;
import io.polyhook.core.script.scenarios.Probe;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.engine.luaj.LuaEngine;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.PublishModifiers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A Lua and a JavaScript script on one hook, through one script manager: load order decides. */
class MixedEnginesTest {

    @TempDir
    Path dir;
    HookRegistry registry;
    HookDispatcher dispatcher;
    ScriptManager manager;
    ClientLane lane;
    Probe probe = new Probe();

    @BeforeEach
    void start() {
        registry = new HookRegistry();
        dispatcher = new HookDispatcher(registry, DispatchSettings.defaults());
        ScriptEnvironment env = new ScriptEnvironment(List.of(probe.provider()), 2, Duration.ofSeconds(5), Map.of());
        manager = new ScriptManager(registry, ScriptEngines.discover(getClass().getClassLoader()), env);
        lane = dispatcher.newLane("mixed");
    }

    @AfterEach
    void stop() {
        manager.close();
        dispatcher.close();
    }

    private ChainOutcome<PublishModifiers> publish(String clientId) throws Exception {
        return dispatcher.chain(lane, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(clientId)).toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    private static String topic(ChainOutcome<PublishModifiers> outcome) {
        assertThat(outcome).isInstanceOf(ChainOutcome.Allowed.class);
        return ((ChainOutcome.Allowed<PublishModifiers>) outcome).modifiers().orElseThrow().topic().orElseThrow();
    }

    @Test
    void both_engines_are_found_by_extension() {
        assertThat(manager.engines().forExtension("js")).get().isInstanceOf(GraalJsEngine.class);
        assertThat(manager.engines().forExtension("lua")).get().isInstanceOf(LuaEngine.class);
    }

    @Test
    void the_first_loaded_decides_and_next_passes_to_the_second() throws Exception {
        Path lua = Files.writeString(dir.resolve("first.lua"), """
                hooks = { auth_on_publish = function(pub)
                    probe.hit("lua", pub.client_id)
                    if pub.client_id == "lua-decides" then return {topic = "from/lua"} end
                    if pub.client_id == "lua-denies" then return false end
                end }
                """);
        Path js = Files.writeString(dir.resolve("second.js"), """
                var hooks = { auth_on_publish(pub) {
                    probe.hit("js", pub.client_id);
                    if (pub.client_id === "js-denies") return deny("quota_exceeded", "slow down");
                    if (pub.client_id === "nobody") return;
                    return {topic: "from/js"};
                } };
                """);
        manager.load(lua);
        manager.load(js);

        assertThat(topic(publish("lua-decides"))).isEqualTo("from/lua");
        assertThat(probe.hits()).extracting(Probe.Hit::name).containsExactly("lua");

        assertThat(publish("lua-denies")).isInstanceOf(ChainOutcome.Denied.class);
        assertThat(topic(publish("js-decides"))).isEqualTo("from/js");
        assertThat(publish("js-denies")).isInstanceOf(ChainOutcome.Denied.class);
        assertThat(publish("nobody")).isInstanceOf(ChainOutcome.Exhausted.class);
        assertThat(probe.hits()).extracting(h -> h.name() + ":" + h.value()).containsExactly(
                "lua:lua-decides", "lua:lua-denies", "lua:js-decides", "js:js-decides", "lua:js-denies", "js:js-denies",
                "lua:nobody", "js:nobody");
    }

    @Test
    void the_other_order_lets_javascript_decide_first() throws Exception {
        Path js = Files.writeString(dir.resolve("a.js"), "var hooks = { auth_on_publish() { return {topic: 'from/js'}; } };");
        Path lua = Files.writeString(dir.resolve("b.lua"), "hooks = { auth_on_publish = function() return {topic = 'from/lua'} end }");
        manager.load(js);
        manager.load(lua);
        assertThat(topic(publish("x"))).isEqualTo("from/js");
        manager.unload(js);
        assertThat(topic(publish("x"))).isEqualTo("from/lua");
    }
}
