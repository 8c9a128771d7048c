package io.polyhook.provider.crypto;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.provider.testing.Providers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CryptoProviderTest {

    private final DataProvider crypto = Providers.start(new CryptoProviderFactory());

    // Digests of "hello", cross-checked with Python's hashlib (crypto_test.lua checks md5, sha,
    // sha256, sha512, sha3_256 and sha3_512 the same way).
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "md5,      5d41402abc4b2a76b9719d911017c592",
            "sha,      aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
            "sha224,   ea09ae9cc6768c50fcee903ed054556e5bfc8347907f12598aa24193",
            "sha256,   2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            "sha384,   59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f",
            "sha512,   9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
            "sha3_224, b87f88c72702fff1748e58b87e9141a42c0dbedc29a78cb0d4a5cd81",
            "sha3_256, 3338be694f50c5f338814986cdf0686453a888b84f424d792af4b9202398f392",
            "sha3_384, 720aea11019ef06440fbf05d87aa24680a2153df3907b23631e7177ce620fa1330ff07c0fddee54699a4c3ee0ee9d887",
            "sha3_512, 75d527c368f2efe848ecf6b073a36767800805e9eef2b1857d5f984f036eb6df891d75f72d9b154518c1cd58835286d1da9a38deba3de98b5a53e5ed78a84976",
    })
    void hashOfHelloIsTheKnownRawDigest(String algorithm, String hex) {
        assertThat((byte[]) Providers.call(crypto, "hash", algorithm, "hello")).isEqualTo(HexFormat.of().parseHex(hex));
    }

    @Test
    void hashAcceptsBinaryData() {
        assertThat((byte[]) Providers.call(crypto, "hash", "md5", "hello".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(HexFormat.of().parseHex("5d41402abc4b2a76b9719d911017c592"));
    }

    @Test
    void anUnknownAlgorithmIsAnErrorNamingItAndTheKnownOnes() {
        assertThatThrownBy(() -> Providers.call(crypto, "hash", "md4", "hello"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("crypto.hash: bad argument #1 (unknown hash algorithm 'md4', expected one of md5, sha, "
                        + "sha224, sha256, sha384, sha512, sha3_224, sha3_256, sha3_384, sha3_512)");
    }

    @Test
    void nonStringArgumentsAreErrors() {
        assertThatThrownBy(() -> Providers.call(crypto, "hash", 1L, "hello"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("crypto.hash: bad argument #1 (string expected, got number)");
        assertThatThrownBy(() -> Providers.call(crypto, "hash", "md5"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("crypto.hash: bad argument #2 (string expected, got no value)");
    }
}
