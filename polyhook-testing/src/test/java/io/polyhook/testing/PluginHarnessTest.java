package io.polyhook.testing;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.TimeoutFallback;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Publication;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.ReasonCode;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class PluginHarnessTest {

    /** A plugin whose start is given as a lambda. */
    static Plugin plugin(String name, int priority, Consumer<PluginContext> start) {
        return new Plugin() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int priority() {
                return priority;
            }

            @Override
            public void start(PluginContext context) {
                start.accept(context);
            }
        };
    }

    @Test
    void handlersRunByPriorityAndTheFirstVerdictWins() {
        Plugin noOpinion = plugin("first", 10, c -> c.hooks().register(Hooks.AUTH_ON_PUBLISH, p -> Verdict.next()));
        Plugin denier = plugin("second", 5, c -> c.hooks().register(Hooks.AUTH_ON_PUBLISH,
                p -> Verdict.deny(ReasonCode.TOPIC_NAME_INVALID, "no")));
        Plugin neverAsked = plugin("third", 1, c -> c.hooks().register(Hooks.AUTH_ON_PUBLISH, p -> Verdict.ok()));

        try (PluginHarness h = PluginHarness.builder().plugin(neverAsked).plugin(denier).plugin(noOpinion).start()) {
            ChainOutcome<PublishModifiers> outcome = h.chain(Hooks.AUTH_ON_PUBLISH,
                    TestContexts.publish(MqttVersion.V3_1_1, "c", null, "a/b", "x"));

            assertThat(outcome).isInstanceOfSatisfying(ChainOutcome.Denied.class, d -> {
                assertThat(d.reasonCode()).contains(ReasonCode.TOPIC_NAME_INVALID);
                assertThat(d.decidedBy().name()).isEqualTo("second");
            });
        }
    }

    @Test
    void aChainWhereEveryoneSaysNextIsExhausted() {
        try (PluginHarness h = PluginHarness.start(plugin("p", 0,
                c -> c.hooks().register(Hooks.AUTH_ON_SUBSCRIBE, s -> Verdict.next())))) {
            assertThat(h.chain(Hooks.AUTH_ON_SUBSCRIBE, TestContexts.subscribe(MqttVersion.V3_1_1, "c", null, "a/#")))
                    .isInstanceOf(ChainOutcome.Exhausted.class);
        }
    }

    @Test
    void aHandlerThatThrowsNeverWidensAccess() {
        try (PluginHarness h = PluginHarness.start(plugin("p", 0, c -> c.hooks().register(Hooks.AUTH_ON_REGISTER, r -> {
            throw new IllegalStateException("database down");
        })))) {
            assertThat(h.chain(Hooks.AUTH_ON_REGISTER, TestContexts.register(MqttVersion.V3_1_1, "c", "u", "pw")))
                    .isInstanceOfSatisfying(ChainOutcome.Denied.class,
                            d -> assertThat(d.cause()).isEqualTo(ChainOutcome.Cause.HANDLER_FAILED));
        }
    }

    @Test
    void aHandlerThatMissesItsDeadlineCountsAsTheFallback() {
        Plugin slow = plugin("slow", 0, c -> c.hooks().register(Hooks.AUTH_ON_PUBLISH, p -> {
            Thread.sleep(60_000);
            return Verdict.ok();
        }));

        try (PluginHarness deny = PluginHarness.builder().plugin(slow).deadline(Duration.ofMillis(200)).start()) {
            assertThat(deny.chain(Hooks.AUTH_ON_PUBLISH, TestContexts.publish(MqttVersion.V3_1_1, "c", null, "a", "x")))
                    .isInstanceOfSatisfying(ChainOutcome.Denied.class,
                            d -> assertThat(d.cause()).isEqualTo(ChainOutcome.Cause.TIMEOUT));
        }
        try (PluginHarness next = PluginHarness.builder().plugin(slow).deadline(Duration.ofMillis(200))
                .timeoutFallback(TimeoutFallback.NEXT).start()) {
            assertThat(next.chain(Hooks.AUTH_ON_PUBLISH, TestContexts.publish(MqttVersion.V3_1_1, "c", null, "a", "x")))
                    .isInstanceOfSatisfying(ChainOutcome.Denied.class,
                            d -> assertThat(d.cause()).isEqualTo(ChainOutcome.Cause.HANDLER_TIMED_OUT));
        }
    }

    @Test
    void modifiersAHookDoesNotAcceptAreRefusedAsByTheBroker() {
        PublishModifiers mqtt5Only = PublishModifiers.builder()
                .properties(MqttProperties.builder().contentType("text/plain").build()).build();
        try (PluginHarness h = PluginHarness.start(plugin("p", 0,
                c -> c.hooks().register(Hooks.AUTH_ON_PUBLISH, p -> Verdict.ok(mqtt5Only))))) {
            assertThat(h.chain(Hooks.AUTH_ON_PUBLISH, TestContexts.publish(MqttVersion.V3_1_1, "c", null, "a", "x")))
                    .isInstanceOf(ChainOutcome.Denied.class);
        }
    }

    @Test
    void whatAPluginAsksOfTheBrokerAndCountsIsRecorded() {
        List<String> gone = new CopyOnWriteArrayList<>();
        Plugin plugin = plugin("audit", 0, c -> {
            c.hooks().register(Hooks.ON_CLIENT_GONE, g -> {
                gone.add(g.clientId());
                c.metrics().counter("gone", "clients gone").increment();
                c.broker().publish(Publication.builder("audit/gone", Bytes.utf8(g.clientId())).qos(1).build());
            });
        });

        try (PluginHarness h = PluginHarness.builder().plugin(plugin).settings("audit", Map.of("k", "v")).start()) {
            h.notify(Hooks.ON_CLIENT_GONE, TestContexts.client("c7"));

            assertThat(gone).containsExactly("c7");
            assertThat(h.broker().published()).singleElement()
                    .satisfies(p -> assertThat(p.topic()).isEqualTo("audit/gone"));
            assertThat(h.metrics("audit").counter("gone", "").count()).isEqualTo(1.0);
            assertThat(h.plugins().getFirst().hooks()).containsExactly("on_client_gone");
        }
    }
}
