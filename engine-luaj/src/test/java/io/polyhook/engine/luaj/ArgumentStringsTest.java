package io.polyhook.engine.luaj;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.luaj.vm2.LuaString;

import static org.assertj.core.api.Assertions.assertThat;

class ArgumentStringsTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "sensors/1/temp", "ümlaut/日本/🙂", "a\u0000b"})
    void aTextArgumentIsTheLuaStringOfItsUtf8Bytes(String text) {
        assertThat(ArgumentStrings.of(text)).isEqualTo(LuaString.valueOf(text));
        assertThat(ArgumentStrings.of(text).tojstring()).isEqualTo(text);
    }

    @Test
    void theSameTextAgainGivesTheLuaStringMadeTheFirstTime() {
        LuaString first = ArgumentStrings.of("clients/" + 42 + "/topic");

        assertThat(ArgumentStrings.of(new String("clients/42/topic"))).isSameAs(first);
    }

    @Test
    void textsThatShareASlotEachGetTheirOwnString() {
        // Many more texts than slots: every one still comes back as itself.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 4 * ArgumentStrings.SLOTS; i++) {
                String text = "t/" + i;
                assertThat(ArgumentStrings.of(text).tojstring()).isEqualTo(text);
            }
        }
    }

    @Test
    void aTextLongerThanTheCachedOnesIsConvertedEachTime() {
        String longTopic = "x".repeat(ArgumentStrings.MAX_LENGTH + 1);

        assertThat(ArgumentStrings.of(longTopic).tojstring()).isEqualTo(longTopic);
        assertThat(ArgumentStrings.of(longTopic)).isNotSameAs(ArgumentStrings.of(longTopic));
    }
}
