package io.polyhook.broker.scripttest;

import java.nio.file.Path;
import java.util.List;

/**
 * What the cases of a test file came to against one script.
 *
 * @param file   the test file
 * @param script the script
 * @param engine the engine that loaded it
 * @param load   what loading it came to
 * @param cases  the cases' results, in file order; empty if the script did not load
 */
record ScriptResult(TestFile file, Path script, String engine, ScriptSession.Load load, List<CaseResult> cases) {

    /** Copies the list. */
    ScriptResult {
        cases = List.copyOf(cases);
    }

    /** Whether the script loaded. */
    boolean loaded() {
        return load.error().isEmpty();
    }

    /** How many cases passed. */
    long passed() {
        return cases.stream().filter(CaseResult::passed).count();
    }

    /** How many cases failed. */
    long failed() {
        return cases.size() - passed();
    }
}
