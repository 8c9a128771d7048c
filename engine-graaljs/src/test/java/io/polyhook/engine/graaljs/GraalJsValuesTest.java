package io.polyhook.engine.graaljs;

import io.polyhook.core.script.scenarios.InlineScripts;
import io.polyhook.core.script.ScriptCallException;

import io.polyhook.core.script.LoadedScript;
import io.polyhook.core.script.scenarios.Probe;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.InvalidModifierException;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.ReasonCode;
import io.polyhook.spi.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.polyhook.core.script.scenarios.InlineScripts.answer;
import static io.polyhook.core.script.scenarios.InlineScripts.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Values between the model and JavaScript, return values and deny(). */
class GraalJsValuesTest {

    @RegisterExtension
    final InlineScripts scripts = new InlineScripts(new GraalJsEngine());

    private LoadedScript hook(String body) throws Exception {
        return scripts.load("var num_states = 1;\nvar hooks = { auth_on_publish(pub) {\n" + body + "\n} };\n");
    }

    private static PublishContext publishWith(byte[] payload) {
        return new PublishContext(MqttVersion.V3_1_1, "", "a", Optional.of("u"), "t", 1, Bytes.wrap(payload), false,
                MqttProperties.EMPTY);
    }

    @Test
    void the_payload_behaves_as_a_plain_property_although_it_is_converted_on_first_read() throws Exception {
        LoadedScript script = hook("""
                const listed = Object.keys(pub).includes("payload") + "," + JSON.stringify(pub).includes('"payload":"hi"');
                const first = pub.payload + "," + (pub.payload === pub.payload);
                pub.payload = "changed";
                const d = Object.getOwnPropertyDescriptor(pub, "payload");
                return {topic: [listed, first, pub.payload, d.writable && d.enumerable && d.configurable].join("/")};
                """);
        assertThat(answer(call(script, Hooks.AUTH_ON_PUBLISH, publishWith("hi".getBytes(java.nio.charset.StandardCharsets.UTF_8)))))
                .isEqualTo("true,true/hi,true/changed/true");
    }

    @Test
    void a_utf8_payload_is_a_string_and_other_bytes_a_uint8array() throws Exception {
        LoadedScript script = hook("""
                if (typeof pub.payload === "string") return {payload: pub.payload + "!"};
                if (!(pub.payload instanceof Uint8Array)) throw new Error("payload is " + typeof pub.payload);
                const copy = new Uint8Array(pub.payload.length + 1);
                copy.set(pub.payload);
                copy[pub.payload.length] = 0xfe;
                return {payload: copy};
                """);
        Verdict<PublishModifiers> text = call(script, Hooks.AUTH_ON_PUBLISH, publishWith("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(((Verdict.Ok<PublishModifiers>) text).modifiers().orElseThrow().payload()).contains(Bytes.utf8("héllo!"));
        Verdict<PublishModifiers> binary = call(script, Hooks.AUTH_ON_PUBLISH, publishWith(new byte[] {(byte) 0xff, 0, 66}));
        assertThat(((Verdict.Ok<PublishModifiers>) binary).modifiers().orElseThrow().payload())
                .contains(Bytes.wrap(new byte[] {(byte) 0xff, 0, 66, (byte) 0xfe}));
    }

    @Test
    void a_binary_payload_shows_its_bytes_and_nothing_of_the_host_buffer_under_it() throws Exception {
        LoadedScript script = hook("""
                const u = pub.payload, b = u.buffer;
                const probes = [typeof b.getClass, typeof b.array, typeof b.put, typeof b.capacity,
                                typeof u.getClass, b instanceof ArrayBuffer, b.byteLength, u[0], u[2]];
                u[0] = 1;
                return {topic: probes.join(",") + "/" + u[0]};
                """);
        Verdict<PublishModifiers> answer = call(script, Hooks.AUTH_ON_PUBLISH, publishWith(new byte[] {(byte) 0xff, 0, 66}));
        assertThat(((Verdict.Ok<PublishModifiers>) answer).modifiers().orElseThrow().topic())
                .contains("undefined,undefined,undefined,undefined,undefined,true,3,255,66/1");
    }

    @Test
    void the_argument_is_a_plain_object_with_the_keys_in_order_and_absent_values_left_out() throws Exception {
        LoadedScript script = hook("""
                const plain = Object.getPrototypeOf(pub) === Object.prototype && !Object.isFrozen(pub);
                pub.extra = 1;
                return {topic: plain + "/" + Object.keys(pub).join(",")};
                """);
        Verdict<PublishModifiers> named = call(script, Hooks.AUTH_ON_PUBLISH, publishWith("x".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(((Verdict.Ok<PublishModifiers>) named).modifiers().orElseThrow().topic())
                .contains("true/username,mountpoint,client_id,qos,topic,payload,retain,extra");
        PublishContext anonymous = new PublishContext(MqttVersion.V3_1_1, "", "a", Optional.empty(), "t", 1,
                Bytes.utf8("x"), false, MqttProperties.EMPTY);
        // A second set of keys gets its own maker; the first one's object is not reused.
        Verdict<PublishModifiers> unnamed = call(script, Hooks.AUTH_ON_PUBLISH, anonymous);
        assertThat(((Verdict.Ok<PublishModifiers>) unnamed).modifiers().orElseThrow().topic())
                .contains("true/mountpoint,client_id,qos,topic,payload,retain,extra");
    }

    @Test
    void deny_gives_a_reason_code_and_string() throws Exception {
        LoadedScript script = hook("""
                switch (pub.client_id) {
                    case "named": return deny("quota_exceeded", "slow down");
                    case "numbered": return deny(0x97);
                    case "plain": return deny();
                    case "false": return false;
                    case "bad": return deny("no_such_reason");
                    case "nested": return {topic: deny()};
                    case "inspect": { const d = deny("banned", "go away"); return {topic: d.code + "/" + d.reason}; }
                }
                """);
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("named")))
                .isEqualTo(Verdict.deny(ReasonCode.QUOTA_EXCEEDED, "slow down"));
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("numbered")))
                .isEqualTo(Verdict.deny(ReasonCode.QUOTA_EXCEEDED));
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("plain"))).isEqualTo(Verdict.deny());
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("false"))).isEqualTo(Verdict.deny());
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("other"))).isEqualTo(Verdict.next());
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("bad")))
                .isInstanceOf(InvalidModifierException.class);
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("nested")))
                .isInstanceOf(ScriptCallException.class).hasMessageContaining("deny() result");
        Verdict<PublishModifiers> inspected = call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("inspect"));
        assertThat(((Verdict.Ok<PublishModifiers>) inspected).modifiers().orElseThrow().topic()).contains("banned/go away");
    }

    @Test
    void other_return_values_mean_next_as_in_lua() throws Exception {
        LoadedScript script = hook("""
                switch (pub.client_id) {
                    case "null": return null;
                    case "number": return 1;
                    case "string": return "next";
                }
                """);
        for (String id : List.of("null", "number", "string", "undefined")) {
            assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish(id))).as(id).isEqualTo(Verdict.next());
        }
    }

    @Test
    void returning_a_function_is_a_script_error() throws Exception {
        LoadedScript script = hook("return {topic: function () { }};");
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))
                .isInstanceOf(ScriptCallException.class).hasMessageContaining("cannot convert a function");
    }

    @Test
    void numbers_are_long_when_integral_else_double() throws Exception {
        scripts.load("""
                var num_states = 1;
                probe.hit("int", 3);
                probe.hit("integral double", 3.0);
                probe.hit("fraction", 1.5);
                probe.hit("big", 2 ** 53);
                probe.hit("huge", 1e300);
                probe.hit("nested", {a: [1, 2.5, "x", null, true], b: {}});
                probe.hit("undefined", undefined);
                var hooks = {};
                """);
        Map<String, Object> hits = new java.util.LinkedHashMap<>();
        for (Probe.Hit h : scripts.probe().hits()) {
            hits.put(h.name(), h.value());
        }
        assertThat(hits).containsEntry("int", 3L).containsEntry("integral double", 3L).containsEntry("fraction", 1.5)
                .containsEntry("big", 9007199254740992L).containsEntry("huge", 1e300)
                .containsEntry("undefined", null);
        Map<String, Object> nested = new java.util.LinkedHashMap<>();
        nested.put("a", java.util.Arrays.asList(1L, 2.5, "x", null, true));
        nested.put("b", Map.of());
        assertThat(hits.get("nested")).isEqualTo(nested);
    }

    @Test
    void an_uncaught_provider_error_fails_the_call_at_the_calling_line() throws Exception {
        LoadedScript script = scripts.load("""
                var num_states = 1;
                var hooks = { auth_on_publish(pub) {
                    probe.fail("backend down");
                } };
                """);
        assertThatThrownBy(() -> call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a")))
                .isInstanceOf(ScriptCallException.class)
                .hasMessageMatching(".*test\\.js:3: Error: backend down");
    }

    @Test
    void a_cyclic_object_cannot_reach_a_provider() throws Exception {
        LoadedScript script = hook("""
                const a = {}; a.self = a;
                try { probe.echo(a); } catch (e) { probe.hit("error", e.name + "/" + e.message); return true; }
                """);
        assertThat(call(script, Hooks.AUTH_ON_PUBLISH, VmqFixtures.publish("a"))).isEqualTo(Verdict.ok());
        assertThat(scripts.probe().hits()).singleElement().extracting(h -> (String) h.value()).asString()
                .startsWith("TypeError/probe.echo: bad argument #1").contains("nested");
    }

    @Test
    void a_syntax_error_names_file_line_and_what() {
        assertThatThrownBy(() -> scripts.load("var hooks = {};\nlet x = = 1;\n"))
                .isInstanceOf(io.polyhook.core.script.ScriptLoadException.class)
                .hasMessageMatching(".*test\\.js:2: SyntaxError: .+")
                .hasMessageNotContaining("\n");
    }
}
