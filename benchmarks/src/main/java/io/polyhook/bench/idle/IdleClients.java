package io.polyhook.bench.idle;

import com.sun.tools.attach.VirtualMachine;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Heap per idle client of a broker running in another JVM. Opens idle MQTT connections in steps
 * (each: CONNECT with keep-alive, clean start, and one QoS 1 subscription to a topic of its own,
 * unless {@code --no-subscribe}), and after each step collects garbage in the broker (through
 * JMX, attached by process id) until its used heap is stable, and prints the growth over the
 * baseline divided by the number of clients, and the classes that grew most (from the broker's
 * class histogram). The client side is plain blocking sockets, in this JVM, so it does not
 * weigh on the broker's heap.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.polyhook.bench.idle.IdleClients \
 *     --pid BROKER_PID --port 1883 --clients 1000,10000 [--protocol 4|5] [--no-subscribe] [--limit-seconds 300]
 * </pre>
 *
 * Each client needs a file descriptor here and one in the broker: raise {@code ulimit -n} above
 * the largest step (benchmarks/run-idle.sh does).
 */
public final class IdleClients {

    private static final int TOP_CLASSES = 15;

    private final String host;
    private final int port;
    private final int protocol;
    private final boolean subscribe;
    private final long deadline;
    private final List<Socket> open = new ArrayList<>();

    private IdleClients(String host, int port, int protocol, boolean subscribe, long deadline) {
        this.host = host;
        this.port = port;
        this.protocol = protocol;
        this.subscribe = subscribe;
        this.deadline = deadline;
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 1883;
        long pid = -1;
        List<Integer> steps = List.of(1_000, 10_000);
        int protocol = 5;
        boolean subscribe = true;
        long limitSeconds = 300;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--pid" -> pid = Long.parseLong(args[++i]);
                case "--clients" -> steps = List.of(args[++i].split(",")).stream().map(Integer::parseInt).sorted().toList();
                case "--protocol" -> protocol = Integer.parseInt(args[++i]);
                case "--no-subscribe" -> subscribe = false;
                case "--limit-seconds" -> limitSeconds = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (pid <= 0) {
            throw new IllegalArgumentException("--pid BROKER_PID is required: the broker's heap is read through JMX");
        }
        IdleClients clients = new IdleClients(host, port, protocol, subscribe,
                System.nanoTime() + limitSeconds * 1_000_000_000L);
        try (JMXConnector jmx = attach(pid)) {
            BrokerHeap heap = new BrokerHeap(jmx.getMBeanServerConnection());
            clients.run(heap, steps);
        } finally {
            clients.closeAll();
        }
    }

    private void run(BrokerHeap heap, List<Integer> steps) throws Exception {
        // Warm-up: the first connections load classes and fill pools that later ones reuse.
        openUpTo(200, "warm");
        closeAll();
        Thread.sleep(1_000);
        long baseline = heap.stableUsed();
        Map<String, long[]> baseHistogram = heap.histogram();
        System.out.printf(Locale.ROOT, "baseline: %,d bytes used after GC (MQTT %s, %s)%n", baseline,
                protocol == 5 ? "5" : "3.1.1", subscribe ? "one QoS 1 subscription each" : "no subscription");
        for (int n : steps) {
            openUpTo(n, "idle");
            long used = heap.stableUsed();
            System.out.printf(Locale.ROOT, "%n%,d idle clients: %,d bytes used after GC, %,d more than the baseline: "
                    + "%,.0f bytes per client%n", n, used, used - baseline, (used - baseline) / (double) n);
            printTopGrowth(baseHistogram, heap.histogram(), n);
        }
    }

    /** Opens clients until {@code n} are connected (and subscribed); fails past the deadline. */
    private void openUpTo(int n, String prefix) throws IOException {
        while (open.size() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("time limit reached with " + open.size() + " clients open");
            }
            int i = open.size();
            Socket s = new Socket();
            open.add(s);
            s.connect(new InetSocketAddress(host, port), 10_000);
            s.setSoTimeout(10_000);
            String id = String.format(Locale.ROOT, "%s-%06d", prefix, i);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(connect(id));
            if (subscribe) {
                out.writeBytes(subscribe("idle/" + id));
            }
            s.getOutputStream().write(out.toByteArray());
            DataInputStream in = new DataInputStream(s.getInputStream());
            expect(in, 2, id);
            if (subscribe) {
                expect(in, 9, id);
            }
        }
    }

    private void closeAll() {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        open.clear();
    }

    /** CONNECT: clean start, keep-alive 10 minutes (longer than any run; a real client's would be shorter). */
    private byte[] connect(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', (byte) protocol, 0x02, 0x02, 0x58});
        if (protocol == 5) {
            b.write(0);
        }
        b.write(id.length >> 8);
        b.write(id.length & 0xFF);
        b.writeBytes(id);
        return packet(0x10, b.toByteArray());
    }

    private byte[] subscribe(String filter) {
        byte[] f = filter.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 1});
        if (protocol == 5) {
            b.write(0);
        }
        b.write(f.length >> 8);
        b.write(f.length & 0xFF);
        b.writeBytes(f);
        b.write(1);
        return packet(0x82, b.toByteArray());
    }

    private static byte[] packet(int header, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(header);
        int n = body.length;
        do {
            int digit = n % 128;
            n /= 128;
            out.write(n > 0 ? digit | 0x80 : digit);
        } while (n > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** Reads one packet and fails unless it is of {@code type} and, for CONNACK, a success. */
    private static void expect(DataInputStream in, int type, String id) throws IOException {
        int header = in.readUnsignedByte();
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        byte[] body = new byte[length];
        in.readFully(body);
        if (header >> 4 != type || (type == 2 && body[1] != 0)) {
            throw new IOException(id + ": expected packet type " + type + ", got header " + header
                    + (type == 2 && body.length > 1 ? " code " + (body[1] & 0xFF) : ""));
        }
    }

    private static void printTopGrowth(Map<String, long[]> before, Map<String, long[]> after, int clients) {
        record Growth(String type, long instances, long bytes) {
        }
        List<Growth> growth = new ArrayList<>();
        after.forEach((type, v) -> {
            long[] b = before.getOrDefault(type, new long[2]);
            growth.add(new Growth(type, v[0] - b[0], v[1] - b[1]));
        });
        growth.sort(Comparator.comparingLong(Growth::bytes).reversed());
        System.out.printf(Locale.ROOT, "  %-72s %12s %12s%n", "class (growth over the baseline)", "per client", "bytes/client");
        for (Growth g : growth.subList(0, Math.min(TOP_CLASSES, growth.size()))) {
            System.out.printf(Locale.ROOT, "  %-72s %12.2f %12.0f%n", g.type(), g.instances() / (double) clients,
                    g.bytes() / (double) clients);
        }
    }

    private static JMXConnector attach(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            String address = vm.startLocalManagementAgent();
            return JMXConnectorFactory.connect(new JMXServiceURL(address));
        } finally {
            vm.detach();
        }
    }

    /** The broker JVM's heap, over JMX. */
    private record BrokerHeap(MBeanServerConnection jmx) {

        /** Used heap after full collections, repeated until two in a row agree within 64 KiB. */
        long stableUsed() throws Exception {
            MemoryMXBean memory = ManagementFactory.newPlatformMXBeanProxy(jmx, ManagementFactory.MEMORY_MXBEAN_NAME,
                    MemoryMXBean.class);
            long previous = -1;
            for (int round = 0; round < 10; round++) {
                memory.gc();
                Thread.sleep(300);
                long used = memory.getHeapMemoryUsage().getUsed();
                if (previous >= 0 && Math.abs(used - previous) < 64 * 1024) {
                    return Math.min(used, previous);
                }
                previous = used;
            }
            return previous;
        }

        /** Class name to {instances, bytes}, from the live-object histogram (which collects first). */
        Map<String, long[]> histogram() throws Exception {
            String text = (String) jmx.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Map<String, long[]> classes = new HashMap<>();
            for (String line : text.split("\n")) {
                String[] f = line.trim().split("\\s+");
                // " 12:   3456   78901  some.Class (module)"
                if (f.length >= 4 && f[0].endsWith(":") && Character.isDigit(f[0].charAt(0))) {
                    classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            }
            return classes;
        }
    }
}
