package io.polyhook.core.plugin.internal;

/** A Java plugin failed to start; the message names the plugin and the reason. */
public final class PluginStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    PluginStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
