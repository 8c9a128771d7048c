package io.polyhook.spi;

/**
 * A modifier (or another value built by a handler) is not acceptable. The message names the
 * field and the offending value, so a script author can find the mistake from the log line.
 *
 * @since 0.1
 */
public final class InvalidModifierException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field  the name of the field, as scripts name it ({@code qos}, {@code topic}, ...)
     * @param value  the rejected value (shown with {@link String#valueOf(Object)})
     * @param reason what the value should have been
     * @since 0.1
     */
    public InvalidModifierException(String field, Object value, String reason) {
        super(field + " " + reason + ", was " + describe(value));
        this.field = field;
    }

    /**
     * The name of the rejected field.
     *
     * @since 0.1
     */
    public String field() {
        return field;
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return '"' + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + '"';
        }
        return String.valueOf(value);
    }
}
