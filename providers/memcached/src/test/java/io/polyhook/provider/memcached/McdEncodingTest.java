package io.polyhook.provider.memcached;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Keys and values are the bytes vmq_diversity's client (mcd) sends. The expected values were
 * computed by Erlang/OTP 25 ({@code base64:encode(erlang:md5(term_to_binary(Key)))} and
 * {@code term_to_binary(Value)}); {@link #erlang_agrees} recomputes them where {@code erl} is
 * installed.
 */
class McdEncodingTest {

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", value = {
            "756e6b6e6f776e206b6579             => PNEutOGw57j97H01qFLOEQ==",   // "unknown key"
            "6b                                 => yYxNy3Au6rGXlTq5YYiCAw==",   // "k"
            "''                                 => VK9Tsgfu8ibWUR4KiOMDjg==",   // ""
            "636cc3a92fc3bc20f09f9982           => F9+9SowShr1ZcBYRANtWag==",   // "clé/ü 🙂"
    })
    void a_key_is_the_base64_of_the_md5_of_its_erlang_binary(String hex, String expected) {
        assertThat(new String(McdEncoding.key(HexFormat.of().parseHex(hex)), StandardCharsets.US_ASCII)).isEqualTo(expected);
    }

    @Test
    void a_long_key_is_24_characters_too() {
        assertThat(new String(McdEncoding.key("x".repeat(300).getBytes(StandardCharsets.US_ASCII)), StandardCharsets.US_ASCII))
                .isEqualTo("KMHiAJy0rJZfGRavmFkKBw==");
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", value = {
            "76                     => 836d0000000176",
            "''                     => 836d00000000",
            "68656c6c6f20776f726c64 => 836d0000000b68656c6c6f20776f726c64",
            "00ff01                 => 836d0000000300ff01",
    })
    void a_value_is_stored_as_its_erlang_binary_and_read_back(String hex, String stored) {
        byte[] value = HexFormat.of().parseHex(hex);
        assertThat(HexFormat.of().formatHex(McdEncoding.value(value))).isEqualTo(stored);
        assertThat(McdEncoding.decodeValue(HexFormat.of().parseHex(stored))).isEqualTo(value);
    }

    @ParameterizedTest
    @CsvSource({"76616c7565", "836d0000000576", "836d00000001"})
    void an_item_another_client_wrote_is_read_as_it_is(String hex) {
        byte[] stored = HexFormat.of().parseHex(hex);
        assertThat(McdEncoding.decodeValue(stored)).isEqualTo(stored);
    }

    @Test
    void erlang_agrees() throws Exception {
        Path erl = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "erl")).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(erl != null, "erl is not installed");
        byte[] key = "clé/ü 🙂".getBytes(StandardCharsets.UTF_8);
        String eval = "K = <<\"" + HexFormat.of().formatHex(key) + "\">>, B = binary:decode_hex(K), "
                + "io:format(\"~s ~s\", [base64:encode(erlang:md5(term_to_binary(B))), binary:encode_hex(term_to_binary(B))]), halt().";
        Process p = new ProcessBuilder(erl.toString(), "-noshell", "-eval", eval).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo(new String(McdEncoding.key(key), StandardCharsets.US_ASCII) + " "
                + HexFormat.of().withUpperCase().formatHex(McdEncoding.value(key)));
    }
}
