package io.polyhook.broker.config;

/**
 * A config file that cannot be used. The message names the key path and the reason, e.g.
 * {@code listeners[0].type: unknown listener type "udp" (expected tcp, ws, tls, wss)}.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String path;

    /** A problem at {@code path} (a dotted key path such as {@code scripts.hook_timeout}). */
    public ConfigException(String path, String reason) {
        super(path.isEmpty() ? reason : path + ": " + reason);
        this.path = path;
    }

    /** The key path of the problem, {@code ""} for the whole file. */
    public String path() {
        return path;
    }
}
