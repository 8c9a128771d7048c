package io.polyhook.provider.sql;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;

/**
 * Creates {@code cockroachdb}, vmq_diversity's cockroachdb library; see {@link SqlLibrary#COCKROACHDB} for its
 * defaults and the module README for the functions and the config keys.
 */
public final class CockroachdbProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "cockroachdb";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        return SqlProvider.create(SqlLibrary.COCKROACHDB, context);
    }
}
