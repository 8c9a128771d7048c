package io.polyhook.provider.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Model values to JSON text and back, the way vmq_diversity's {@code json} does it: compact
 * output, object keys sorted, and an empty table written as {@code {}}. Thread-safe.
 */
final class JsonCodec {

    /**
     * Deeper than any real document, within Jackson's own limit (1000), and stops a runaway
     * structure long before the stack would.
     */
    static final int MAX_DEPTH = 500;

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final JsonFactory factory = mapper.getFactory();

    /**
     * The JSON text of {@code value}, or {@code null} if it cannot be written: a number that is
     * NaN or infinite, or nesting deeper than {@link #MAX_DEPTH}.
     */
    String encode(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = factory.createGenerator(out)) {
            write(generator, value, 0);
        } catch (Unencodable | JsonProcessingException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string failed", e);
        }
        return out.toString();
    }

    /**
     * The model value of the JSON text {@code json}: objects become maps (in document order),
     * arrays lists, integers {@code Long} (or {@code Double} when too large), other numbers
     * {@code Double}, and JSON {@code null} {@code null}. Returns {@code null} for text that is
     * not JSON.
     */
    Object decode(byte[] json) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException invalid) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory failed", e);
        }
        return root == null ? null : toModel(root);
    }

    private static void write(JsonGenerator out, Object value, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new Unencodable();
        }
        switch (value) {
            case null -> out.writeNull();
            case Boolean b -> out.writeBoolean(b);
            case Long l -> out.writeNumber(l);
            case Double d -> {
                if (!Double.isFinite(d)) {
                    throw new Unencodable();
                }
                out.writeNumber(d);
            }
            case String s -> out.writeString(s);
            // JSON has no binary type; a Lua string that is not UTF-8 arrives as bytes.
            case byte[] bytes -> out.writeString(new String(bytes, StandardCharsets.UTF_8));
            case List<?> list when list.isEmpty() -> writeEmptyObject(out);
            case List<?> list -> {
                out.writeStartArray();
                for (Object element : list) {
                    write(out, element, depth + 1);
                }
                out.writeEndArray();
            }
            case Map<?, ?> map when map.isEmpty() -> writeEmptyObject(out);
            case Map<?, ?> map -> {
                out.writeStartObject();
                for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
                    out.writeFieldName((String) e.getKey());
                    write(out, e.getValue(), depth + 1);
                }
                out.writeEndObject();
            }
            default -> throw new Unencodable();
        }
    }

    // A script's empty table cannot say whether it is an array or an object; vmq_diversity
    // writes it as an object, and scripts compare against that.
    private static void writeEmptyObject(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeEndObject();
    }

    private static Object toModel(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    map.put(field.getKey(), toModel(field.getValue()));
                }
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(element -> list.add(toModel(element)));
                yield list;
            }
            case NUMBER -> node.isIntegralNumber() && node.canConvertToLong()
                    ? (Object) node.longValue() : (Object) node.doubleValue();
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case BINARY, POJO -> throw new IllegalStateException("the JSON parser made a " + node.getNodeType());
            case NULL, MISSING -> null;
        };
    }

    /** Unwinds an encode that met something JSON cannot hold; never leaves this class. */
    private static final class Unencodable extends RuntimeException {
        Unencodable() {
            super(null, null, false, false);
        }
    }
}
