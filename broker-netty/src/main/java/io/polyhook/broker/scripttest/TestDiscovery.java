package io.polyhook.broker.scripttest;

import io.polyhook.core.script.ScriptSource;
import io.polyhook.core.script.internal.ScriptEngines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Which test files a command line means. Each path is
 *
 * <ul>
 *   <li>a test file ({@code auth.test.yaml}, {@code auth.test.yml}): that file;</li>
 *   <li>a script ({@code auth.lua}): the test file beside it with its base name
 *       ({@code auth.test.yaml}), run against that script only;</li>
 *   <li>a folder: every test file in it and its subfolders, by path, hidden folders skipped.</li>
 * </ul>
 */
final class TestDiscovery {

    /**
     * A test file to run.
     *
     * @param testFile   the file, absolute and normalized
     * @param onlyScript the one script to run it against, when a script was named
     */
    record Selection(Path testFile, Optional<Path> onlyScript) {
    }

    /** The paths cannot be used: one does not exist, or nothing to run was found. */
    static final class NothingToRun extends Exception {
        private static final long serialVersionUID = 1L;

        NothingToRun(String message) {
            super(message);
        }
    }

    private TestDiscovery() {
    }

    /**
     * The test files {@code paths} mean, each once, in the order given (a folder's by path).
     *
     * @throws NothingToRun if a path does not exist, is a script without a test file or a file
     *                      that is neither, or if no test file is found at all
     */
    static List<Selection> find(List<Path> paths, ScriptEngines engines) throws NothingToRun {
        Map<Path, Selection> found = new LinkedHashMap<>();
        for (Path given : paths) {
            Path path = given.toAbsolutePath().normalize();
            if (Files.isDirectory(path)) {
                for (Path file : testFilesUnder(path)) {
                    found.putIfAbsent(file, new Selection(file, Optional.empty()));
                }
            } else if (!Files.exists(path)) {
                throw new NothingToRun(given + " does not exist");
            } else if (TestFileReader.isTestFile(path)) {
                found.put(path, new Selection(path, Optional.empty()));
            } else if (engines.forPath(path).isPresent()) {
                Path testFile = testFileOf(path).orElseThrow(() -> new NothingToRun("no test file for " + given
                        + ": expected " + ScriptSource.display(siblingTestFile(path, TestFileReader.SUFFIXES.getFirst()))));
                found.putIfAbsent(testFile, new Selection(testFile, Optional.of(path)));
            } else {
                throw new NothingToRun(given + " is neither a test file (*" + String.join(", *", TestFileReader.SUFFIXES)
                        + "), a script (." + String.join(", .", engines.extensions()) + ") nor a folder");
            }
        }
        if (found.isEmpty()) {
            throw new NothingToRun("no test files (*" + String.join(", *", TestFileReader.SUFFIXES) + ") in "
                    + String.join(", ", paths.stream().map(Path::toString).toList()));
        }
        return new ArrayList<>(found.values());
    }

    private static Optional<Path> testFileOf(Path script) {
        return TestFileReader.SUFFIXES.stream().map(s -> siblingTestFile(script, s)).filter(Files::isRegularFile).findFirst();
    }

    private static Path siblingTestFile(Path script, String suffix) {
        String name = script.getFileName().toString();
        return script.resolveSibling(name.substring(0, name.lastIndexOf('.')) + suffix);
    }

    private static List<Path> testFilesUnder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> !hidden(dir.relativize(p)))
                    .filter(TestFileReader::isTestFile)
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
