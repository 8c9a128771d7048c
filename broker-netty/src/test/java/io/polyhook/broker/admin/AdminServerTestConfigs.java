package io.polyhook.broker.admin;

import io.polyhook.broker.config.BrokerConfig;

import java.nio.file.Path;

/** The local config of the admin API tests, for tests in other packages. */
public final class AdminServerTestConfigs {

    private AdminServerTestConfigs() {
    }

    /** A TCP listener on 127.0.0.1, any port; scripts from {@code scriptsDir}. */
    public static BrokerConfig local(Path scriptsDir) {
        return AdminServerTest.config(scriptsDir);
    }
}
