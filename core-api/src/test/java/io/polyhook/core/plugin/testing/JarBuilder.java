package io.polyhook.core.plugin.testing;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Compiles Java sources with {@code javax.tools} and packs them into a jar, for tests that need a
 * plugin or a library that is not on the test's class path: what a plugin author's build makes.
 */
public final class JarBuilder {

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, List<String>> services = new LinkedHashMap<>();
    private final List<Path> classpath = new ArrayList<>();
    private final Map<String, String> manifest = new LinkedHashMap<>();
    private boolean testClasspath;

    /** A builder of an empty jar. */
    public static JarBuilder jar() {
        return new JarBuilder();
    }

    /** Adds a source file; {@code className} is the top-level class's binary name. */
    public JarBuilder source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** Lists {@code implementation} in {@code META-INF/services/<service>}. */
    public JarBuilder service(String service, String implementation) {
        services.computeIfAbsent(service, s -> new ArrayList<>()).add(implementation);
        return this;
    }

    /** Compiles against {@code jar} too. */
    public JarBuilder classpath(Path jar) {
        classpath.add(jar);
        return this;
    }

    /** Compiles against the running test's class path (hook-spi, core-api, ...) too. */
    public JarBuilder againstTestClasspath() {
        testClasspath = true;
        return this;
    }

    /** Sets a main attribute of the manifest, e.g. {@code Implementation-Version}. */
    public JarBuilder manifest(String attribute, String value) {
        manifest.put(attribute, value);
        return this;
    }

    /** Compiles and writes the jar to {@code out}; returns {@code out}. */
    public Path writeTo(Path out) {
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Path work = Files.createTempDirectory(out.toAbsolutePath().getParent(), ".jar-src");
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> files = new ArrayList<>();
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path file = work.resolve("src").resolve(e.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                files.add(file.toString());
            }
            List<String> cp = new ArrayList<>();
            classpath.forEach(p -> cp.add(p.toString()));
            if (testClasspath) {
                cp.add(System.getProperty("java.class.path"));
            }
            List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--release", "21", "-proc:none",
                    "-encoding", "UTF-8"));
            if (!cp.isEmpty()) {
                args.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, cp)));
            }
            args.addAll(files);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = javac.run(null, err, err, args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException("javac failed:\n" + err.toString(StandardCharsets.UTF_8));
            }
            Manifest mf = new Manifest();
            mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.forEach((k, v) -> mf.getMainAttributes().put(new Attributes.Name(k), v));
            Files.createDirectories(out.toAbsolutePath().getParent());
            try (OutputStream o = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(o, mf);
                 Stream<Path> walk = Files.walk(classes)) {
                for (Path p : walk.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList()) {
                    jar.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                    jar.write(Files.readAllBytes(p));
                    jar.closeEntry();
                }
                for (Map.Entry<String, List<String>> s : services.entrySet()) {
                    jar.putNextEntry(new JarEntry("META-INF/services/" + s.getKey()));
                    jar.write((String.join("\n", s.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
                    jar.closeEntry();
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
