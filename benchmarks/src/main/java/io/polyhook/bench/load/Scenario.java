package io.polyhook.bench.load;

import java.util.List;

/**
 * A load shape: how many publishers and subscribers, and which topics connect them.
 *
 * @param name        the name used on the command line
 * @param publishers  publishing clients
 * @param subscribers subscribing clients
 * @param pairwise    publisher i publishes to {@code bench/i} and subscriber i subscribes to it;
 *                    otherwise every publisher publishes to {@code bench/<i>} and every subscriber
 *                    subscribes to {@code bench/#} (fan-in) or {@code bench/0} (fan-out)
 */
record Scenario(String name, int publishers, int subscribers, boolean pairwise) {

    static final List<Scenario> ALL = List.of(
            new Scenario("1to1", 1, 1, true),
            new Scenario("fanin", 10, 1, false),
            new Scenario("fanout", 1, 50, false),
            new Scenario("100to100", 100, 100, true));

    static Scenario named(String name) {
        return ALL.stream().filter(s -> s.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown scenario " + name + "; known: "
                        + ALL.stream().map(Scenario::name).toList()));
    }

    String publishTopic(int publisher) {
        return "bench/" + publisher;
    }

    String subscribeFilter(int subscriber) {
        if (pairwise) {
            return "bench/" + subscriber;
        }
        return publishers == 1 ? "bench/0" : "bench/#";
    }

    /** Deliveries each published message causes. */
    int fanOut() {
        return pairwise ? 1 : subscribers;
    }
}
