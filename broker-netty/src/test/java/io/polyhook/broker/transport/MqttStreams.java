package io.polyhook.broker.transport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Byte streams for fuzzing the decoding: a CONNECT, then packets of every kind a client sends,
 * well-formed or close to it (random properties, lengths, flags), then mutated at random (bytes
 * flipped, inserted, removed, repeated, the stream cut), so that the input reaches deep into the
 * validator and the decoder instead of failing at the first byte.
 */
final class MqttStreams {

    private MqttStreams() {
    }

    /** A client's stream at protocol level {@code level} (4: MQTT 3.1.1, 5: MQTT 5). */
    static byte[] stream(Random r, int level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(connect(r, level));
        int packets = r.nextInt(12);
        for (int i = 0; i < packets; i++) {
            out.writeBytes(packet(r, level));
        }
        byte[] bytes = out.toByteArray();
        int mutations = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            bytes = mutate(r, bytes);
        }
        return bytes;
    }

    /** Noise: random bytes, sometimes after a valid CONNECT. */
    static byte[] noise(Random r, int level) {
        byte[] noise = new byte[r.nextInt(300)];
        r.nextBytes(noise);
        if (r.nextBoolean()) {
            return noise;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(connect(r, level));
        out.writeBytes(noise);
        return out.toByteArray();
    }

    static byte[] connect(Random r, int level) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        string(b, "MQTT");
        b.write(level);
        boolean will = r.nextInt(4) == 0;
        boolean user = r.nextInt(4) == 0;
        boolean password = user && r.nextBoolean();
        int flags = 0x02 | (will ? 0x04 | (r.nextInt(3) << 3) | (r.nextBoolean() ? 0x20 : 0) : 0)
                | (user ? 0x80 : 0) | (password ? 0x40 : 0);
        b.write(flags);
        b.write(0);
        b.write(r.nextInt(3) * 30);
        if (level == 5) {
            properties(b, r, new int[] {0x11, 0x21, 0x22, 0x27, 0x17, 0x19, 0x26, 0x15, 0x16});
        }
        string(b, r.nextInt(5) == 0 ? "" : "c" + r.nextInt(1000));
        if (will) {
            if (level == 5) {
                properties(b, r, new int[] {0x18, 0x01, 0x02, 0x03, 0x08, 0x09, 0x26});
            }
            string(b, topic(r));
            binary(b, r, 1 + r.nextInt(20));
        }
        if (user) {
            string(b, "u" + r.nextInt(10));
        }
        if (password) {
            binary(b, r, r.nextInt(10));
        }
        return packet(0x10, b.toByteArray());
    }

    static byte[] packet(Random r, int level) {
        boolean v5 = level == 5;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int id = 1 + r.nextInt(65_535);
        switch (r.nextInt(v5 ? 9 : 8)) {
            case 0, 1 -> {
                int qos = r.nextInt(3);
                string(b, topic(r));
                if (qos > 0) {
                    u16(b, id);
                }
                if (v5) {
                    properties(b, r, new int[] {0x01, 0x02, 0x03, 0x08, 0x09, 0x23, 0x26});
                }
                byte[] payload = new byte[r.nextInt(40)];
                r.nextBytes(payload);
                b.writeBytes(payload);
                return packet(0x30 | (qos << 1) | (r.nextBoolean() ? 1 : 0) | (qos > 0 && r.nextBoolean() ? 8 : 0),
                        b.toByteArray());
            }
            case 2 -> {
                u16(b, id);
                if (v5) {
                    properties(b, r, new int[] {0x0B, 0x26});
                }
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    string(b, r.nextBoolean() ? topic(r) : topic(r) + "/#");
                    b.write(v5 ? r.nextInt(3) | (r.nextInt(3) << 4) | (r.nextBoolean() ? 4 : 0) : r.nextInt(3));
                }
                return packet(0x82, b.toByteArray());
            }
            case 3 -> {
                u16(b, id);
                if (v5) {
                    properties(b, r, new int[] {0x26});
                }
                string(b, topic(r));
                return packet(0xA2, b.toByteArray());
            }
            case 4 -> {
                int type = 4 + r.nextInt(4);
                u16(b, id);
                if (v5 && r.nextBoolean()) {
                    b.write(r.nextBoolean() ? 0 : 0x80);
                    properties(b, r, new int[] {0x1F, 0x26});
                }
                return packet((type << 4) | (type == 6 ? 2 : 0), b.toByteArray());
            }
            case 5 -> {
                return packet(0xC0, new byte[0]);
            }
            case 6 -> {
                if (v5 && r.nextBoolean()) {
                    b.write(r.nextBoolean() ? 0 : 4);
                    properties(b, r, new int[] {0x11, 0x1F, 0x26});
                }
                return packet(0xE0, b.toByteArray());
            }
            case 7 -> {
                return connect(r, level);
            }
            default -> {
                b.write(r.nextBoolean() ? 0x18 : 0x19);
                properties(b, r, new int[] {0x15, 0x16, 0x1F, 0x26});
                return packet(0xF0, b.toByteArray());
            }
        }
    }

    private static String topic(Random r) {
        StringBuilder t = new StringBuilder();
        int levels = 1 + r.nextInt(3);
        for (int i = 0; i < levels; i++) {
            if (i > 0) {
                t.append('/');
            }
            t.append(switch (r.nextInt(6)) {
                case 0 -> "";
                case 1 -> "$SYS";
                case 2 -> "ü";
                default -> "t" + r.nextInt(5);
            });
        }
        return t.toString();
    }

    /** A property block of some of {@code ids}, each with a value of its type, sometimes out of range or twice. */
    private static void properties(ByteArrayOutputStream out, Random r, int[] ids) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            int id = ids[r.nextInt(ids.length)];
            p.write(id);
            switch (id) {
                case 0x01, 0x17, 0x19 -> p.write(r.nextInt(8) == 0 ? 2 : r.nextInt(2));
                case 0x21, 0x22, 0x23 -> u16(p, r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(20));
                case 0x02, 0x11, 0x18, 0x27 -> {
                    u16(p, 0);
                    u16(p, r.nextInt(100));
                }
                case 0x0B -> varInt(p, r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(300_000));
                case 0x09, 0x16 -> binary(p, r, r.nextInt(8));
                case 0x26 -> {
                    string(p, "k");
                    string(p, "v" + r.nextInt(9));
                }
                default -> string(p, r.nextBoolean() ? "text/plain" : topic(r));
            }
        }
        byte[] bytes = p.toByteArray();
        varInt(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static byte[] mutate(Random r, byte[] in) {
        if (in.length == 0) {
            return in;
        }
        int at = r.nextInt(in.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (r.nextInt(6)) {
            case 0 -> {
                byte[] copy = in.clone();
                copy[at] ^= (byte) (1 << r.nextInt(8));
                return copy;
            }
            case 1 -> {
                byte[] copy = in.clone();
                copy[at] = (byte) r.nextInt(256);
                return copy;
            }
            case 2 -> {
                out.write(in, 0, at);
                byte[] extra = new byte[1 + r.nextInt(8)];
                r.nextBytes(extra);
                out.writeBytes(extra);
                out.write(in, at, in.length - at);
            }
            case 3 -> {
                int end = Math.min(in.length, at + 1 + r.nextInt(8));
                out.write(in, 0, at);
                out.write(in, end, in.length - end);
            }
            case 4 -> {
                int end = Math.min(in.length, at + 1 + r.nextInt(16));
                out.write(in, 0, end);
                out.write(in, at, in.length - at);
            }
            default -> out.write(in, 0, at);
        }
        return out.toByteArray();
    }

    static byte[] packet(int header, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        varInt(out, body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void varInt(ByteArrayOutputStream out, int n) {
        do {
            int digit = n & 0x7F;
            n >>>= 7;
            out.write(n > 0 ? digit | 0x80 : digit);
        } while (n > 0);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v & 0xFF);
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u16(out, b.length);
        out.writeBytes(b);
    }

    private static void binary(ByteArrayOutputStream out, Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        u16(out, n);
        out.writeBytes(b);
    }
}
