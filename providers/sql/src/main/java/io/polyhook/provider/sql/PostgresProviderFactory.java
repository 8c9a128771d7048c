package io.polyhook.provider.sql;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;

/**
 * Creates {@code postgres}, vmq_diversity's postgres library; see {@link SqlLibrary#POSTGRES} for its
 * defaults and the module README for the functions and the config keys.
 */
public final class PostgresProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        return SqlProvider.create(SqlLibrary.POSTGRES, context);
    }
}
