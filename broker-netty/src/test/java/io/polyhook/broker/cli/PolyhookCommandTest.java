package io.polyhook.broker.cli;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class PolyhookCommandTest {

    @TempDir
    Path dir;

    @Test
    void badConfigStopsTheStartWithExitCode2() throws Exception {
        Path cfg = dir.resolve("bad.yaml");
        Files.writeString(cfg, "listeners: [{ type: udp, address: \"127.0.0.1:0\" }]\n");
        assertThat(new CommandLine(new PolyhookCommand()).execute("run", "--config", cfg.toString())).isEqualTo(2);
    }

    @Test
    void runTurnsNettysLeakDetectorOffWhenNoLevelIsSet() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        try {
            PolyhookCommand.defaultLeakDetection(new Properties());
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
        } finally {
            ResourceLeakDetector.setLevel(before);
        }
    }

    @Test
    void aLeakDetectionLevelSetOnTheCommandLineIsKept() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        Properties system = new Properties();
        system.setProperty("io.netty.leakDetection.level", "simple");
        try {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
            PolyhookCommand.defaultLeakDetection(system);
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.SIMPLE);
        } finally {
            ResourceLeakDetector.setLevel(before);
        }
    }

    @Test
    void helpListsTheRunCommand() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new PolyhookCommand());
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--help")).isZero();
        assertThat(out.toString()).contains("run");
    }
}
