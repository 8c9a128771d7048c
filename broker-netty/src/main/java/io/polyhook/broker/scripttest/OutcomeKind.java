package io.polyhook.broker.scripttest;

import java.util.Locale;

/** What a hook call came to, in the words of a test file's {@code expect}. */
enum OutcomeKind {
    /** Accepted, with or without modifiers; for a notification: ran without an error. */
    OK,
    /** Refused, with or without a reason code. */
    DENY,
    /** Nobody decided: every handler said next, or none was there to ask. */
    NEXT,
    /** The script failed: an error, invalid modifiers, a missed deadline. */
    ERROR;

    /** The word a test file uses: {@code ok}, {@code deny}, {@code next}, {@code error}. */
    String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
