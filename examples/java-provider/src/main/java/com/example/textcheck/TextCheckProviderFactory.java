package com.example.textcheck;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;
import org.apache.commons.lang3.StringUtils;

/**
 * The {@code textcheck} library for scripts, on commons-lang3:
 * {@code textcheck.is_blank(s)}, {@code textcheck.abbreviate(s, max)} and
 * {@code textcheck.library_version()}.
 */
public final class TextCheckProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "textcheck";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        long defaultMax = ((Number) context.defaults().getOrDefault("max", 20L)).longValue();
        return DataProvider.builder("textcheck")
                .function("is_blank", args -> StringUtils.isBlank(args.string(1)))
                .function("abbreviate", args -> StringUtils.abbreviate(args.string(1), (int) args.optLong(2, defaultMax)))
                .function("library_version", args -> "commons-lang3 " + StringUtils.class.getPackage().getImplementationVersion())
                .build();
    }
}
