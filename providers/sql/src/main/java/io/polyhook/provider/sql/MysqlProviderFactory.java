package io.polyhook.provider.sql;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;

/**
 * Creates {@code mysql}, vmq_diversity's mysql library; see {@link SqlLibrary#MYSQL} for its
 * defaults and the module README for the functions and the config keys.
 */
public final class MysqlProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        return SqlProvider.create(SqlLibrary.MYSQL, context);
    }
}
