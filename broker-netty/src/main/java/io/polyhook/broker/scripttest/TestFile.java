package io.polyhook.broker.scripttest;

import java.nio.file.Path;
import java.util.List;

/**
 * A test file, read and checked.
 *
 * @param file       the file, absolute and normalized
 * @param scripts    the scripts it tests, each on its own
 * @param scriptsDir the {@code require} root of the scripts
 * @param fixtures   library answers for every case
 * @param cases      the cases, in file order
 */
record TestFile(Path file, List<Path> scripts, Path scriptsDir, List<Fixture> fixtures, List<TestCase> cases) {

    /** Copies the lists. */
    TestFile {
        scripts = List.copyOf(scripts);
        fixtures = List.copyOf(fixtures);
        cases = List.copyOf(cases);
    }
}
