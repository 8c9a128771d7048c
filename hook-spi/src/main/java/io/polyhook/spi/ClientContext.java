package io.polyhook.spi;

import java.util.Objects;

/**
 * A session changing state: the context of {@code on_client_wakeup}, {@code on_client_offline},
 * {@code on_client_gone} and {@code on_session_expired}.
 *
 * @param mountpoint the mountpoint ({@code ""} for the default)
 * @param clientId   the client identifier
 * @since 0.1
 */
public record ClientContext(String mountpoint, String clientId) implements HookContext {

    /**
     * Checks both fields are present.
     *
     * @since 0.1
     */
    public ClientContext {
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(clientId, "clientId");
    }

    /**
     * A builder with the defaults of a plain client: only {@code clientId} has no
     * default. Plugins and their tests build contexts this way: a field added in a minor release
     * comes with a default here, so code that builds a {@code ClientContext} keeps compiling and
     * linking (docs/java-plugins.md, "Contexts in your tests").
     *
     * @return a new builder
     * @since 0.1
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a {@link ClientContext}; {@link #build()} checks the values as the constructor does.
     * Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private String mountpoint = "";
        private String clientId;

        private Builder() {
        }

        /**
         * Sets {@code mountpoint} (default {@code ""}).
         *
         * @param value the mountpoint ({@code ""} for the default)
         * @return this builder
         * @since 0.1
         */
        public Builder mountpoint(String value) {
            mountpoint = value;
            return this;
        }

        /**
         * Sets {@code clientId}.
         *
         * @param value the client identifier
         * @return this builder
         * @since 0.1
         */
        public Builder clientId(String value) {
            clientId = value;
            return this;
        }

        /**
         * The context.
         *
         * @return a new {@code ClientContext}
         * @throws NullPointerException     if {@code clientId} or another required value is not set
         * @throws IllegalArgumentException if a value is out of range
         * @since 0.1
         */
        public ClientContext build() {
            return new ClientContext(mountpoint, clientId);
        }
    }
}
