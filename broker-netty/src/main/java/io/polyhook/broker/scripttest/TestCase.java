package io.polyhook.broker.scripttest;

import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;

import java.util.List;

/**
 * One case of a test file: a hook call and what it should come to.
 *
 * @param name     what the case checks, as the report shows it
 * @param line     where the case starts in its test file
 * @param hook     the hook called
 * @param context  the call's argument table, as the typed context the broker would pass
 * @param fixtures library answers for this case only, tried before the file's
 * @param expect   what the call should come to
 */
record TestCase(String name, int line, Hook<?> hook, HookContext context, List<Fixture> fixtures, Expectation expect) {

    /** Copies the fixtures. */
    TestCase {
        fixtures = List.copyOf(fixtures);
    }
}
