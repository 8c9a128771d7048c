package io.polyhook.provider.log;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;

/**
 * Creates {@code log}: {@code log.debug/info/warning/error(s)} write {@code s} to the broker
 * log at that level, literally (no format interpretation).
 *
 * <p>Lines go to the logger {@code io.polyhook.script}, or to {@code io.polyhook.script.<name>}
 * while an engine has put the running script's name into the SLF4J MDC under {@code script}.
 */
public final class LogProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "log";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        return ScriptLog.create();
    }
}
