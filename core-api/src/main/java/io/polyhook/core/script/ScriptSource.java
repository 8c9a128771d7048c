package io.polyhook.core.script;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A script file to load.
 *
 * @param path the file, absolute and normalized; this is the script's identity
 * @param root the scripts directory, absolute and normalized: where {@code require} looks
 */
public record ScriptSource(Path path, Path root) {

    /** Makes both paths absolute and normalized. */
    public ScriptSource {
        path = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
        root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    /**
     * The file as people should read it in messages: relative to the working directory when it
     * lies below it ({@code scripts/auth.lua}), absolute otherwise.
     */
    public String displayName() {
        return display(path);
    }

    /**
     * Reads the file as UTF-8.
     *
     * @throws ScriptLoadException naming the file if it is missing, unreadable or not UTF-8
     */
    public String text() throws ScriptLoadException {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScriptLoadException(path, "no such file");
        } catch (CharacterCodingException e) {
            throw new ScriptLoadException(path, "is not valid UTF-8");
        } catch (IOException e) {
            throw new ScriptLoadException(path, "cannot be read: " + e, e);
        }
    }

    public static String display(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        return absolute.startsWith(cwd) && !absolute.equals(cwd) ? cwd.relativize(absolute).toString() : absolute.toString();
    }
}
