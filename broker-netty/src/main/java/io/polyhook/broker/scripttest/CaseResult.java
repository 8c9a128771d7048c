package io.polyhook.broker.scripttest;

import java.util.List;

/**
 * What a case came to.
 *
 * @param testCase    the case
 * @param actual      what the hook call came to
 * @param differences how that differs from the expectation, one line each
 * @param calls       the calls of libraries that fixtures answer
 * @param log         the lines logged during the call
 */
record CaseResult(TestCase testCase, Outcome actual, List<String> differences, List<FixtureLibraries.LibraryCall> calls,
                  List<String> log) {

    /** Copies the lists. */
    CaseResult {
        differences = List.copyOf(differences);
        calls = List.copyOf(calls);
        log = List.copyOf(log);
    }

    /**
     * Whether the case passed: it came to what it expected, and no library call went unanswered
     * (a call no fixture matches is a gap in the test, even where the script catches its error).
     */
    boolean passed() {
        return differences.isEmpty() && calls.stream().noneMatch(c -> c.resolution() == FixtureLibraries.Resolution.UNMATCHED);
    }
}
