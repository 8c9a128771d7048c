package io.polyhook.broker.hooks;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.polyhook.broker.config.ScriptsConfig;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
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
        return ScriptWiring.dispatchSettings(scripts);
    }

    @Provides
    @Singleton
    HookDispatcher dispatcher(HookRegistry registry, DispatchSettings settings) {
        return new HookDispatcher(registry, settings);
    }
}
