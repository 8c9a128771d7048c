package io.polyhook.broker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The broker's version, as Maven wrote it into the jar ({@code io/polyhook/broker/build.properties}). */
public final class Version {

    private static final String VERSION = read();

    private Version() {
    }

    /** The version, e.g. {@code 0.1.0}; {@code unknown} when the classes were not built by Maven. */
    public static String version() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
