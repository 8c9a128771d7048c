package io.polyhook.core.script;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

class ScriptLoadExceptionTest {

    @Test
    void aFileInsideTheWorkingDirectoryIsShownRelativeWithItsLine() {
        Path file = Path.of("scripts", "auth.lua");

        ScriptLoadException e = new ScriptLoadException(file, 12, "attempt to call a nil value");

        assertThat(e).hasMessage("scripts" + java.io.File.separator + "auth.lua:12: attempt to call a nil value");
        assertThat(e.path()).isEqualTo(file.toAbsolutePath());
        assertThat(e.line()).isEqualTo(OptionalInt.of(12));
        assertThat(e.reason()).isEqualTo("attempt to call a nil value");
    }

    @Test
    void aSyntaxErrorIsShownWithItsLineAndColumn() {
        Path file = Path.of("scripts", "auth.lua");

        ScriptLoadException e = new ScriptLoadException(file, 3, 14, "unexpected symbol near '/'", null);

        assertThat(e).hasMessage("scripts" + java.io.File.separator + "auth.lua:3:14: unexpected symbol near '/'");
        assertThat(e.line()).isEqualTo(OptionalInt.of(3));
        assertThat(e.column()).isEqualTo(OptionalInt.of(14));
        assertThat(e.reason()).isEqualTo("unexpected symbol near '/'");
    }

    @Test
    void aFailureOfTheWholeFileHasNoLine() {
        Path file = Path.of("/elsewhere/auth.lua");

        ScriptLoadException e = new ScriptLoadException(file, "no such file");

        assertThat(e).hasMessage(file.toAbsolutePath() + ": no such file");
        assertThat(e.line()).isEmpty();
        assertThat(e.column()).isEmpty();
    }
}
