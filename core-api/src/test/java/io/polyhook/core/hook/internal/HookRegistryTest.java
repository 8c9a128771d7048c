package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.HandlerSpec;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Registration;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HookRegistryTest {

    private final HookRegistry registry = new HookRegistry();

    private static HandlerSpec publishOk(int priority) {
        return HandlerSpec.chain(Hooks.AUTH_ON_PUBLISH, priority, ctx -> Verdict.ok());
    }

    @Test
    void anEmptyRegistryHasNoHandlerForAnyHookPoint() {
        assertThat(Hooks.all()).noneMatch(registry::has);
    }

    @Test
    void pluginsComeFirstByPriorityThenScriptsInLoadOrder() {
        registry.replace(HandlerOrigin.script("b.lua"), List.of(publishOk(0)));
        registry.add(HandlerOrigin.plugin("low"), publishOk(1));
        registry.replace(HandlerOrigin.script("a.lua"), List.of(publishOk(100)));
        registry.add(HandlerOrigin.plugin("high"), publishOk(10));
        registry.add(HandlerOrigin.plugin("also-low"), publishOk(1));

        assertThat(registry.handlers(Hooks.AUTH_ON_PUBLISH)).containsExactly(HandlerOrigin.plugin("high"),
                HandlerOrigin.plugin("low"), HandlerOrigin.plugin("also-low"), HandlerOrigin.script("b.lua"),
                HandlerOrigin.script("a.lua"));
    }

    @Test
    void aReplacedScriptKeepsItsPlaceInTheOrder() {
        registry.replace(HandlerOrigin.script("first.lua"), List.of(publishOk(0)));
        registry.replace(HandlerOrigin.script("second.lua"), List.of(publishOk(0)));

        registry.replace(HandlerOrigin.script("first.lua"), List.of(publishOk(0)));

        assertThat(registry.handlers(Hooks.AUTH_ON_PUBLISH))
                .containsExactly(HandlerOrigin.script("first.lua"), HandlerOrigin.script("second.lua"));
    }

    @Test
    void aScriptLoadedWithoutHooksKeepsItsPlaceWhenItGainsSomeOnReload() {
        registry.replace(HandlerOrigin.script("first.lua"), List.of());
        registry.replace(HandlerOrigin.script("second.lua"), List.of(publishOk(0)));

        registry.replace(HandlerOrigin.script("first.lua"), List.of(publishOk(0)));

        assertThat(registry.handlers(Hooks.AUTH_ON_PUBLISH))
                .containsExactly(HandlerOrigin.script("first.lua"), HandlerOrigin.script("second.lua"));
    }

    @Test
    void aRemovedScriptLoadedAgainGoesToTheEnd() {
        registry.replace(HandlerOrigin.script("first.lua"), List.of(publishOk(0)));
        registry.replace(HandlerOrigin.script("second.lua"), List.of(publishOk(0)));

        registry.remove(HandlerOrigin.script("first.lua"));
        registry.replace(HandlerOrigin.script("first.lua"), List.of(publishOk(0)));

        assertThat(registry.handlers(Hooks.AUTH_ON_PUBLISH))
                .containsExactly(HandlerOrigin.script("second.lua"), HandlerOrigin.script("first.lua"));
    }

    @Test
    void replaceSwapsEveryHookOfAnOriginAtOnce() {
        HandlerOrigin script = HandlerOrigin.script("s.lua");
        registry.replace(script, List.of(publishOk(0), HandlerSpec.notification(Hooks.ON_PUBLISH, 0, ctx -> { })));

        registry.replace(script, List.of(HandlerSpec.chain(Hooks.AUTH_ON_SUBSCRIBE, 0, ctx -> Verdict.ok())));

        assertThat(registry.has(Hooks.AUTH_ON_PUBLISH)).isFalse();
        assertThat(registry.has(Hooks.ON_PUBLISH)).isFalse();
        assertThat(registry.has(Hooks.AUTH_ON_SUBSCRIBE)).isTrue();
    }

    @Test
    void closingARegistrationRemovesOnlyThatHandler() {
        Registration first = registry.add(HandlerOrigin.plugin("p"), publishOk(0));
        registry.add(HandlerOrigin.plugin("p"), publishOk(0));

        first.close();
        first.close();

        assertThat(registry.handlers(Hooks.AUTH_ON_PUBLISH)).hasSize(1);
    }

    @Test
    void aHandlerMustFitItsHookPoint() {
        assertThatThrownBy(() -> new HandlerSpec(Hooks.ON_PUBLISH, 0, (io.polyhook.spi.ChainHandler<?, ?>) ctx -> Verdict.ok()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("on_publish");
    }
}
