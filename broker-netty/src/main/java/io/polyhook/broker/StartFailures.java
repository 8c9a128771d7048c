package io.polyhook.broker;

import com.google.inject.CreationException;
import com.google.inject.spi.Message;
import io.polyhook.broker.config.ConfigException;

/**
 * Turns what Guice wraps around a failure at start (a bad provider setting) back into the failure
 * itself, so the user reads one line that names the setting rather than Guice's report.
 */
final class StartFailures {

    private StartFailures() {
    }

    /**
     * The innermost cause of {@code e} that has a message, as a {@link ConfigException} (providers
     * say which setting is wrong: {@code providers.postgres.port: an integer ... expected}).
     */
    static RuntimeException unwrap(CreationException e) {
        for (Message m : e.getErrorMessages()) {
            Throwable innermost = null;
            for (Throwable t = m.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
                if (t instanceof ConfigException c) {
                    return c;
                }
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    innermost = t;
                }
            }
            if (innermost != null) {
                return new ConfigException("", innermost.getMessage().lines().findFirst().orElse(""));
            }
        }
        return e;
    }
}
