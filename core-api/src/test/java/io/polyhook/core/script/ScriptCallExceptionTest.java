package io.polyhook.core.script;

import io.polyhook.core.script.scenarios.VmqFixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScriptCallExceptionTest {

    @Test
    void aMessageQuotingTheClientsPasswordHasItBlottedOut() {
        ScriptCallException e = ScriptCallException.of("auth.lua:3: bad password '" + VmqFixtures.PASSWORD + "'",
                VmqFixtures.register("c"));

        assertThat(e).hasMessage("auth.lua:3: bad password '******'");
    }

    @Test
    void theMessageOfACallWithoutAPasswordIsKept() {
        assertThat(ScriptCallException.of("auth.lua:3: boom", VmqFixtures.publish("c"))).hasMessage("auth.lua:3: boom");
        assertThat(ScriptCallException.of("auth.lua:3: boom", VmqFixtures.registerWithoutCredentials(
                io.polyhook.spi.MqttVersion.V5))).hasMessage("auth.lua:3: boom");
    }
}
