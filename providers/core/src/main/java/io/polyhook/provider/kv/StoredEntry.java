package io.polyhook.provider.kv;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The values under one key of a persistent table as the store keeps them, with the wall-clock
 * time they expire at, so that a TTL keeps running while the broker is down.
 *
 * <p>Bytes: a format byte ({@code 1}), the expiry in epoch milliseconds ({@code -1}: never), the
 * number of values, then each model value as a tag byte and its content. Long and Double, text
 * and bytes stay distinct, as they are in memory.
 *
 * @param expiresAt epoch milliseconds, or {@link #NEVER}
 */
record StoredEntry(long expiresAt, List<Object> values) {

    static final long NEVER = -1;
    private static final int FORMAT = 1;
    // Nesting a script can build is bounded by its engine; this bounds what a damaged record makes us do.
    private static final int MAX_DEPTH = 512;

    private static final int NULL = 0;
    private static final int FALSE = 1;
    private static final int TRUE = 2;
    private static final int LONG = 3;
    private static final int DOUBLE = 4;
    private static final int STRING = 5;
    private static final int BYTES = 6;
    private static final int LIST = 7;
    private static final int MAP = 8;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(expiresAt);
            out.writeInt(values.size());
            for (Object value : values) {
                write(out, value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException if {@code bytes} is not an entry this class wrote */
    static StoredEntry decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown kv entry format " + format);
            }
            long expiresAt = in.readLong();
            List<Object> values = readList(in, 0);
            if (in.available() > 0) {
                throw new IllegalArgumentException("kv entry has " + in.available() + " trailing bytes");
            }
            return new StoredEntry(expiresAt, values);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated kv entry", e);
        }
    }

    private static void write(DataOutputStream out, Object value) throws IOException {
        switch (value) {
            case null -> out.writeByte(NULL);
            case Boolean b -> out.writeByte(b ? TRUE : FALSE);
            case Long l -> {
                out.writeByte(LONG);
                out.writeLong(l);
            }
            case Double d -> {
                out.writeByte(DOUBLE);
                out.writeDouble(d);
            }
            case String s -> {
                out.writeByte(STRING);
                writeBytes(out, s.getBytes(UTF_8));
            }
            case byte[] b -> {
                out.writeByte(BYTES);
                writeBytes(out, b);
            }
            case List<?> list -> {
                out.writeByte(LIST);
                out.writeInt(list.size());
                for (Object element : list) {
                    write(out, element);
                }
            }
            case Map<?, ?> map -> {
                out.writeByte(MAP);
                out.writeInt(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    writeBytes(out, ((String) e.getKey()).getBytes(UTF_8));
                    write(out, e.getValue());
                }
            }
            default -> throw new IllegalArgumentException("not a model value: " + value.getClass().getName());
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static Object read(DataInputStream in, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("kv entry nested deeper than " + MAX_DEPTH);
        }
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case NULL -> null;
            case FALSE -> false;
            case TRUE -> true;
            case LONG -> in.readLong();
            case DOUBLE -> in.readDouble();
            case STRING -> new String(readBytes(in), UTF_8);
            case BYTES -> readBytes(in);
            case LIST -> readList(in, depth + 1);
            case MAP -> {
                int size = count(in);
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < size; i++) {
                    String key = new String(readBytes(in), UTF_8);
                    map.put(key, read(in, depth + 1));
                }
                yield Collections.unmodifiableMap(map);
            }
            default -> throw new IllegalArgumentException("unknown kv value tag " + tag);
        };
    }

    private static List<Object> readList(DataInputStream in, int depth) throws IOException {
        int size = count(in);
        List<Object> list = new ArrayList<>(Math.min(size, 1024));
        for (int i = 0; i < size; i++) {
            list.add(read(in, depth));
        }
        return Collections.unmodifiableList(list);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = count(in);
        if (length > in.available()) {
            throw new IllegalArgumentException("truncated kv entry");
        }
        return in.readNBytes(length);
    }

    private static int count(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available()) { // every element takes at least one byte
            throw new IllegalArgumentException("bad count " + count + " in kv entry");
        }
        return count;
    }
}
