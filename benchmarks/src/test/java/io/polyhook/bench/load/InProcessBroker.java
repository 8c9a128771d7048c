package io.polyhook.bench.load;

import io.polyhook.broker.PolyhookBroker;
import io.polyhook.broker.config.BrokerConfig;

import java.nio.file.Path;

/** The broker the load tools' tests run against: in this JVM, one TCP listener on a free port. */
final class InProcessBroker {

    private InProcessBroker() {
    }

    /** Starts it with scripts from {@code scripts} (none are needed) and no plugins discovered. */
    static PolyhookBroker start(Path scripts, boolean allowAnonymous) {
        return PolyhookBroker.builder().config(BrokerConfig.parse("""
                broker: { allow_anonymous: %s }
                listeners: [{ type: tcp, address: "127.0.0.1:0" }]
                scripts: { dir: "%s" }
                persistence: { enabled: false }
                """.formatted(allowAnonymous, scripts))).discoverPlugins(false).start();
    }
}
