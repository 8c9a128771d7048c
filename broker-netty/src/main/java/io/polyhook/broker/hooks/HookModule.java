package io.polyhook.broker.hooks;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.core.hook.DispatchSettings;
import io.polyhook.core.hook.HookDispatcher;
import io.polyhook.core.hook.HookRegistry;
import jakarta.inject.Singleton;

/**
 * Binds the hook registry and the dispatcher; every handler call gets the deadline
 * {@code scripts.hook_timeout}.
 */
public final class HookModule extends AbstractModule {

    @Provides
    @Singleton
    HookRegistry registry() {
        return new HookRegistry();
    }

    @Provides
    @Singleton
    DispatchSettings dispatchSettings(ScriptsConfig scripts) {
        DispatchSettings.Builder b = DispatchSettings.builder().deadline(scripts.hookTimeout())
                .fallback(scripts.timeoutFallback());
        scripts.hooks().forEach((name, policy) -> {
            io.polyhook.spi.Hook<?> hook = io.polyhook.spi.Hooks.byName(name).orElseThrow();
            if (policy.timeout() != null) {
                b.deadline(hook, policy.timeout());
            }
            if (policy.fallback() != null) {
                b.fallback(hook, policy.fallback());
            }
        });
        return b.build();
    }

    @Provides
    @Singleton
    HookDispatcher dispatcher(HookRegistry registry, DispatchSettings settings) {
        return new HookDispatcher(registry, settings);
    }
}
