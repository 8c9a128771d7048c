package io.polyhook.broker.scripttest;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.ProviderFunction;
import io.polyhook.core.script.ScriptSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The libraries that fixtures answer instead of a server. A library that a fixture of the file
 * names ({@code postgres} for {@code postgres.execute}) is answered by fixtures in every case
 * and when the script loads; one that only a case's fixtures name is answered by fixtures in
 * that case and is the real library in the others. Where a library is answered, it connects to
 * nothing: its {@code ensure_pool} returns {@code true} without creating a pool, and every other
 * call is answered by the first matching fixture, the case's own before the file's; a call that
 * no fixture matches fails, and is reported. {@code vmq_api}, which acts on a broker's sessions,
 * is always answered by fixtures. Libraries no fixture names are always real.
 *
 * <p>Every answered call is recorded for the report, per case.
 */
final class FixtureLibraries {

    /** The library that needs a broker, so it is answered by fixtures in every test. */
    static final String BROKER_LIBRARY = "vmq_api";

    /** How a call of an answered library was answered. */
    enum Resolution {
        /** By a fixture. */
        FIXTURE,
        /** An {@code ensure_pool} without a fixture: {@code true}, nothing connected. */
        NOT_CONNECTED,
        /** No fixture matched: the call failed. */
        UNMATCHED
    }

    /**
     * One call of an answered library.
     *
     * @param call       {@code library.function}
     * @param arguments  the arguments, as model values
     * @param resolution how it was answered
     * @param fixture    the fixture that answered it, for {@link Resolution#FIXTURE}
     */
    record LibraryCall(String call, List<Object> arguments, Resolution resolution, Optional<Fixture> fixture) {

        /** As the report shows it: {@code postgres.execute("pool", "SELECT ...") -> fixture at line 12}. */
        String describe() {
            String head = call + "(" + ModelText.arguments(arguments) + ")";
            return switch (resolution) {
                case FIXTURE -> head + " -> fixture at line " + fixture.orElseThrow().line();
                case NOT_CONNECTED -> head + " -> true (not connected)";
                case UNMATCHED -> head + " matched no fixture";
            };
        }
    }

    private final Path testFile;
    private final List<Fixture> fileFixtures;
    private final List<Fixture> allFixtures;
    private final Set<String> fileLibraries;
    private final Set<String> answered;
    private volatile List<Fixture> caseFixtures = List.of();
    private final List<LibraryCall> calls = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param testFile     the test file, for messages
     * @param fileFixtures the fixtures of the whole file
     * @param allCaseFixtures every case's fixtures, to know which libraries they answer
     */
    FixtureLibraries(Path testFile, List<Fixture> fileFixtures, List<Fixture> allCaseFixtures) {
        this.testFile = testFile;
        this.fileFixtures = List.copyOf(fileFixtures);
        List<Fixture> all = new ArrayList<>(fileFixtures);
        all.addAll(allCaseFixtures);
        this.allFixtures = List.copyOf(all);
        Set<String> inFile = new LinkedHashSet<>();
        fileFixtures.forEach(f -> inFile.add(f.library()));
        inFile.add(BROKER_LIBRARY);
        this.fileLibraries = Collections.unmodifiableSet(inFile);
        Set<String> names = new LinkedHashSet<>(inFile);
        allFixtures.forEach(f -> names.add(f.library()));
        this.answered = Collections.unmodifiableSet(names);
    }

    /**
     * The libraries a script gets: {@code real}, with each library a fixture names replaced by
     * one with the same functions (and any more the fixtures name) that fixtures answer where
     * they are in force, and that calls the real one elsewhere.
     */
    List<DataProvider> providers(List<DataProvider> real) {
        List<DataProvider> out = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (DataProvider provider : real) {
            if (answered.contains(provider.name())) {
                out.add(answeredLibrary(provider.name(), provider));
                done.add(provider.name());
            } else {
                out.add(provider);
            }
        }
        for (String name : answered) {
            if (!done.contains(name)) {
                out.add(answeredLibrary(name, null));
            }
        }
        return out;
    }

    /** Starts a case: its fixtures come first, and the calls recorded are its own from now on. */
    void startCase(List<Fixture> fixtures) {
        caseFixtures = List.copyOf(fixtures);
        calls.clear();
    }

    /** The calls of answered libraries since the case started. */
    List<LibraryCall> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** {@code library} answered by fixtures where they are in force, else {@code real} (if there is one). */
    private DataProvider answeredLibrary(String library, DataProvider real) {
        Set<String> functions = new LinkedHashSet<>(real == null ? Set.of() : real.functions().keySet());
        allFixtures.stream().filter(f -> f.library().equals(library)).forEach(f -> functions.add(f.function()));
        DataProvider.Builder b = DataProvider.builder(library);
        for (String function : functions) {
            ProviderFunction realFunction = real == null ? null : real.functions().get(function);
            b.function(function, args -> realFunction == null || answeredNow(library)
                    ? answer(library, function, args.values()) : realFunction.call(args));
        }
        return b.build();
    }

    private boolean answeredNow(String library) {
        return fileLibraries.contains(library) || caseFixtures.stream().anyMatch(f -> f.library().equals(library));
    }

    private Object answer(String library, String function, List<Object> arguments) {
        String call = library + "." + function;
        Fixture fixture = find(caseFixtures, library, function, arguments);
        if (fixture == null) {
            fixture = find(fileFixtures, library, function, arguments);
        }
        if (fixture != null) {
            calls.add(new LibraryCall(call, arguments, Resolution.FIXTURE, Optional.of(fixture)));
            return switch (fixture.answer()) {
                case Fixture.Returns r -> r.value();
                case Fixture.Fails f -> throw new ProviderException(f.message());
            };
        }
        if (function.equals("ensure_pool")) {
            calls.add(new LibraryCall(call, arguments, Resolution.NOT_CONNECTED, Optional.empty()));
            return Boolean.TRUE;
        }
        calls.add(new LibraryCall(call, arguments, Resolution.UNMATCHED, Optional.empty()));
        throw new ProviderException(call + ": no fixture of " + ScriptSource.display(testFile) + " matches this call");
    }

    private static Fixture find(List<Fixture> fixtures, String library, String function, List<Object> arguments) {
        for (Fixture f : fixtures) {
            if (f.matches(library, function, arguments)) {
                return f;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "FixtureLibraries" + answered + " of " + testFile;
    }
}
