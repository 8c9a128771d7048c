package io.polyhook.engine.graaljs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a script prints ({@code print}, {@code console.log}, {@code console.error}): one log line
 * per printed line on the {@code io.polyhook.script} logger, tagged with the script, as the Lua
 * engine's {@code print} does. Lines longer than 8 KiB are cut.
 */
final class ScriptOutput extends OutputStream {

    private static final Logger SCRIPT_LOG = LoggerFactory.getLogger("io.polyhook.script");
    private static final int MAX_LINE = 8192;

    private final String script;
    private final boolean error;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean cut;

    ScriptOutput(String script, boolean error) {
        this.script = script;
        this.error = error;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            flushLine();
        } else if (line.size() < MAX_LINE) {
            line.write(b);
        } else {
            cut = true;
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void flush() {
        if (line.size() > 0) {
            flushLine();
        }
    }

    private void flushLine() {
        String text = line.toString(StandardCharsets.UTF_8) + (cut ? " [...]" : "");
        line.reset();
        cut = false;
        if (error) {
            SCRIPT_LOG.warn("{}: {}", script, text);
        } else {
            SCRIPT_LOG.info("{}: {}", script, text);
        }
    }
}
