package io.polyhook.broker.scripttest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as model values (maps, lists, strings, {@code Long}, {@code Double},
 * booleans, {@code null}, {@code byte[]} for {@code !!binary}) that remembers the line of every
 * map, list and map key, so that a report can point at the case or the key that failed.
 */
final class LocatedYaml {

    private static final YAMLFactory YAML = new YAMLFactory();

    private final Path file;
    private final Object root;
    private final Map<Object, Integer> lines;
    private final Map<Object, Map<String, Integer>> keyLines;

    private LocatedYaml(Path file, Object root, Map<Object, Integer> lines, Map<Object, Map<String, Integer>> keyLines) {
        this.file = file;
        this.root = root;
        this.lines = lines;
        this.keyLines = keyLines;
    }

    /**
     * Reads {@code text}, the content of {@code file}.
     *
     * @throws TestFileException if it is not valid YAML, or a map has a key twice
     */
    static LocatedYaml parse(Path file, String text) throws TestFileException {
        Reader reader = new Reader(file);
        try (JsonParser parser = YAML.createParser(text)) {
            Object root = parser.nextToken() == null ? null : reader.read(parser);
            return new LocatedYaml(file, root, reader.lines, reader.keyLines);
        } catch (JsonProcessingException e) {
            throw new TestFileException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new TestFileException(file, 0, "cannot be read: " + e.getMessage());
        }
    }

    /** The document's top value; {@code null} for an empty document. */
    Object root() {
        return root;
    }

    /** The line where a map or list of this document starts; 0 for anything else. */
    int line(Object container) {
        return lines.getOrDefault(container, 0);
    }

    /** The line of {@code key} in {@code map}, or the map's own line if it has no such key. */
    int line(Map<?, ?> map, String key) {
        Map<String, Integer> keys = keyLines.get(map);
        Integer line = keys == null ? null : keys.get(key);
        return line != null ? line : line(map);
    }

    /** A problem at the line of {@code key} in {@code map}. */
    TestFileException error(Map<?, ?> map, String key, String message) {
        return new TestFileException(file, line(map, key), message);
    }

    /** A problem at the line of a map or list. */
    TestFileException error(Object container, String message) {
        return new TestFileException(file, line(container), message);
    }

    private static final class Reader {
        private final Path file;
        // Identity: two equal maps at different lines are different places.
        final Map<Object, Integer> lines = new IdentityHashMap<>();
        final Map<Object, Map<String, Integer>> keyLines = new IdentityHashMap<>();

        Reader(Path file) {
            this.file = file;
        }

        Object read(JsonParser p) throws IOException, TestFileException {
            int line = p.currentTokenLocation().getLineNr();
            switch (p.currentToken()) {
                case START_OBJECT -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    Map<String, Integer> keys = new LinkedHashMap<>();
                    lines.put(map, line);
                    keyLines.put(map, keys);
                    while (p.nextToken() != JsonToken.END_OBJECT) {
                        String key = p.currentName();
                        int keyLine = p.currentTokenLocation().getLineNr();
                        p.nextToken();
                        if (keys.putIfAbsent(key, keyLine) != null) {
                            throw new TestFileException(file, keyLine, "the key " + key + " appears twice");
                        }
                        map.put(key, read(p));
                    }
                    return map;
                }
                case START_ARRAY -> {
                    List<Object> list = new ArrayList<>();
                    lines.put(list, line);
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        list.add(read(p));
                    }
                    return list;
                }
                case VALUE_STRING -> {
                    return p.getText();
                }
                case VALUE_NUMBER_INT -> {
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw new TestFileException(file, line, "the integer " + p.getText() + " is too large");
                    }
                    return p.getLongValue();
                }
                case VALUE_NUMBER_FLOAT -> {
                    return p.getDoubleValue();
                }
                case VALUE_TRUE -> {
                    return Boolean.TRUE;
                }
                case VALUE_FALSE -> {
                    return Boolean.FALSE;
                }
                case VALUE_NULL -> {
                    return null;
                }
                case VALUE_EMBEDDED_OBJECT -> {
                    if (p.getEmbeddedObject() instanceof byte[] bytes) {
                        return bytes;
                    }
                    throw new TestFileException(file, line, "unsupported YAML value " + p.getText());
                }
                default -> throw new TestFileException(file, line, "unexpected YAML token " + p.currentToken());
            }
        }
    }
}
