package io.polyhook.core.hook.internal;

/**
 * What a handler's failure looks like in a log line or an outcome's message: one line of bounded
 * length. A script decides what its errors say, so an error may be megabytes long or hold line
 * breaks that would forge log lines; it is cut to {@link #MAX_CHARS} characters, with its
 * original length said, and its control characters are escaped.
 */
final class FailureText {

    /** The most characters of a failure's message that are kept. */
    static final int MAX_CHARS = 1_000;

    private FailureText() {
    }

    /** The message of {@code t} (its class name if it has none), cut and on one line. */
    static String of(Throwable t) {
        String message = t.getMessage();
        return of(message == null ? t.getClass().getSimpleName() : message);
    }

    /**
     * {@code t} for a log line with its stack trace: {@code t} itself if its message is short,
     * otherwise a stand-in with the cut message and {@code t}'s stack trace.
     */
    static Throwable withStackTrace(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.length() <= MAX_CHARS) {
            return t;
        }
        Throwable cut = new Cut(t.getClass().getName() + ": " + of(message));
        cut.setStackTrace(t.getStackTrace());
        return cut;
    }

    static String of(String message) {
        int kept = Math.min(message.length(), MAX_CHARS);
        if (kept < message.length() && Character.isHighSurrogate(message.charAt(kept - 1))) {
            kept--;
        }
        StringBuilder out = new StringBuilder(kept + 48);
        for (int i = 0; i < kept; i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (kept < message.length()) {
            out.append("... [cut: ").append(message.length()).append(" characters in all]");
        }
        return out.toString();
    }

    /** A stand-in that prints as its message only: the original class name is in it. */
    private static final class Cut extends Throwable {
        private static final long serialVersionUID = 1L;

        Cut(String message) {
            super(message, null, false, true);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
