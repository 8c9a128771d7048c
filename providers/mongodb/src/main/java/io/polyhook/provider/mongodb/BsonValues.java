package io.polyhook.provider.mongodb;

import io.polyhook.core.provider.Values;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Converts between the provider value model and the driver's documents.
 *
 * <p>An ObjectId is shown to scripts as {@code "objectid:"} followed by its 24 hex digits, and a
 * string of exactly that form in a document or selector is turned back into the ObjectId.
 * Dates and timestamps become Unix time in milliseconds.
 */
final class BsonValues {

    static final String OBJECT_ID_PREFIX = "objectid:";
    private static final Pattern OBJECT_ID = Pattern.compile("objectid:[0-9a-fA-F]{24}");

    private BsonValues() {
    }

    /** A document from a script's table. */
    static Document document(Map<String, Object> map) {
        Document document = new Document();
        map.forEach((key, value) -> document.put(key, toBson(value)));
        return document;
    }

    static Object toBson(Object value) {
        return switch (value) {
            case String s when OBJECT_ID.matcher(s).matches() -> new ObjectId(s.substring(OBJECT_ID_PREFIX.length()));
            case Map<?, ?> m -> {
                Document document = new Document();
                m.forEach((key, v) -> document.put((String) key, toBson(v)));
                yield document;
            }
            case List<?> l -> {
                List<Object> list = new ArrayList<>(l.size());
                for (Object element : l) {
                    list.add(toBson(element));
                }
                yield list;
            }
            case null, default -> value;
        };
    }

    /** A model value from what the driver decoded. */
    static Object toModel(Object value) {
        return switch (value) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Integer i -> (long) i;
            case Long l -> l;
            case Double d -> d;
            case ObjectId id -> OBJECT_ID_PREFIX + id.toHexString();
            case Date date -> date.getTime();
            case BsonTimestamp ts -> ts.getTime() * 1000L;
            case Binary binary -> binary.getData();
            case byte[] bytes -> bytes;
            case Decimal128 decimal -> decimal.isFinite() ? Values.convert(decimal.bigDecimalValue()) : decimal.doubleValue();
            case Map<?, ?> m -> {
                Map<String, Object> map = new LinkedHashMap<>();
                m.forEach((key, v) -> map.put(String.valueOf(key), toModel(v)));
                yield map;
            }
            case List<?> l -> {
                List<Object> list = new ArrayList<>(l.size());
                for (Object element : l) {
                    list.add(toModel(element));
                }
                yield list;
            }
            // Symbols, code, regular expressions, min/max keys, UUIDs: their text.
            default -> value.toString();
        };
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> toModel(Document document) {
        return (Map<String, Object>) toModel((Object) document);
    }
}
