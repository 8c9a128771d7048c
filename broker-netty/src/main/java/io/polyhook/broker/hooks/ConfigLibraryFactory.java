package io.polyhook.broker.hooks;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;

import java.util.Map;
import java.util.Set;

/**
 * The {@code polyhook} library: what a script may read of the broker's config.
 * {@code polyhook.config("auth.postgres.unknown_user")} returns the value at that dotted path, or
 * {@code nil}. Only the {@code auth}, {@code broker} and {@code scripts} sections are readable:
 * {@code providers} and {@code plugins} hold passwords and tokens.
 */
final class ConfigLibraryFactory implements ProviderFactory {

    private static final Set<String> READABLE = Set.of("auth", "broker", "scripts");

    @Override
    public String name() {
        return "polyhook";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        Map<String, Object> settings = context.settings();
        return DataProvider.builder("polyhook")
                .function("config", args -> {
                    String path = args.string(1);
                    String[] keys = path.split("\\.", -1);
                    if (!READABLE.contains(keys[0])) {
                        throw args.argError(1, "only the auth, broker and scripts sections are readable");
                    }
                    Object value = settings;
                    for (String key : keys) {
                        if (!(value instanceof Map<?, ?> section)) {
                            return null;
                        }
                        value = section.get(key);
                    }
                    return value;
                })
                .build();
    }
}
