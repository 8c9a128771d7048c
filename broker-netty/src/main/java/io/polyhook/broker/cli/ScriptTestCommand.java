package io.polyhook.broker.cli;

import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ConfigException;
import io.polyhook.broker.scripttest.ScriptTests;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code polyhook script test [--config FILE] [PATH...]}: runs the test files of scripts
 * locally, without a broker (see {@link ScriptTests} and docs/scripting.md, "Testing scripts").
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Test scripts without a broker: run the cases of their test files (auth.lua -> auth.test.yaml)"
                + " and report each. Exit 0: every case passed; 1: a case failed or a script did not load;"
                + " 2: nothing to run, or a test file or the config is unusable."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every case passed", "1:a case failed, or a script did not load",
                "2:nothing to run, an unusable test file, or a bad config"})
final class ScriptTestCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "test files (*.test.yaml), scripts (their test file is run against them) or folders (every"
                    + " test file below them); default: the scripts directory (scripts.dir, \"scripts\")")
    List<Path> paths;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "a broker config: its providers section says where real databases are, its scripts section"
                    + " gives the sandbox, states and deadlines, its auth section what polyhook.config reads")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BrokerConfig cfg;
        try {
            cfg = config == null ? BrokerConfig.defaults() : BrokerConfig.load(config);
        } catch (ConfigException e) {
            err.println("polyhook: bad config: " + e.getMessage());
            err.flush();
            return ScriptTests.UNUSABLE;
        }
        List<Path> targets = paths == null || paths.isEmpty() ? List.of(Path.of(cfg.scripts().dir())) : paths;
        return ScriptTests.run(targets, cfg, ScriptTestCommand.class.getClassLoader(), out, err);
    }
}
