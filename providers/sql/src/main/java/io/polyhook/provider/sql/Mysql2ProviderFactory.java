package io.polyhook.provider.sql;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;

/**
 * Creates {@code mysql2}, vmq_diversity's mysql2 library; see {@link SqlLibrary#MYSQL2} for its
 * defaults and the module README for the functions and the config keys.
 */
public final class Mysql2ProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "mysql2";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        return SqlProvider.create(SqlLibrary.MYSQL2, context);
    }
}
