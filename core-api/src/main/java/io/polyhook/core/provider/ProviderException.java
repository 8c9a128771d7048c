package io.polyhook.core.provider;

/**
 * The error a provider function raises: bad arguments, an unknown pool, a backend that is down.
 *
 * <p>The engine turns it into a script error carrying {@link #getMessage()} (in Lua, as if the
 * function had called {@code error(message)}), so a script can catch it with {@code pcall} or
 * {@code try}. Script authors and log files see the message: <strong>never put a password, a
 * connection string with credentials, or any other secret into it</strong>, and do not copy a
 * driver's message into it without knowing that the driver leaves secrets out.
 *
 * <p>Any other exception escaping a provider function is a bug in the provider; engines report
 * it as an internal error rather than passing its message on.
 */
public class ProviderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An error with {@code message}, shown to the script as is. */
    public ProviderException(String message) {
        super(message);
    }

    /**
     * An error with {@code message}, shown to the script as is, caused by {@code cause}. The
     * cause is for logs only; the script does not see it.
     */
    public ProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
