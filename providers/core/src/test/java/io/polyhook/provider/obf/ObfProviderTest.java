package io.polyhook.provider.obf;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.provider.testing.Providers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObfProviderTest {

    private static final String SECRET = "a shared secret of enough length";

    private final DataProvider obf = Providers.start(new ObfProviderFactory());

    private Object encrypt(Object value) {
        return Providers.call(obf, "encrypt", value);
    }

    private Object decrypt(Object value) {
        return Providers.call(obf, "decrypt", value);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"secret-password", "", "h\u00e9llo w\u00f6rld \ud83d\ude00", "obf:not-really"})
    void decryptGivesBackWhatEncryptObfuscated(String plain) {
        assertThat(decrypt(encrypt(plain))).isEqualTo(plain);
    }

    @Test
    void encryptGivesAPrefixedFormThatDiffersFromTheInput() {
        Object obfuscated = encrypt("secret-password");
        assertThat(obfuscated).asString().startsWith("obf:").doesNotContain("secret-password");
    }

    @Test
    void twoEncryptionsOfOneValueDiffer() {
        assertThat(encrypt("secret-password")).isNotEqualTo(encrypt("secret-password"));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"plain-password", "", "obf:", "obf:!!not base64!!", "obf:AAAA", "obf:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void decryptReturnsWhatItCannotDecryptUnchanged(String value) {
        assertThat(decrypt(value)).isEqualTo(value);
    }

    @Test
    void decryptReturnsAValueObfuscatedWithAnotherKeyUnchanged() {
        DataProvider otherNode = Providers.start(new ObfProviderFactory());
        Object foreign = Providers.call(otherNode, "encrypt", "secret-password");
        assertThat(decrypt(foreign)).isEqualTo(foreign);
    }

    @Test
    void decryptReturnsATamperedValueUnchanged() {
        String obfuscated = (String) encrypt("secret-password");
        byte[] sealed = Base64.getDecoder().decode(obfuscated.substring(4));
        sealed[sealed.length - 1] ^= 1;
        String tampered = "obf:" + Base64.getEncoder().encodeToString(sealed);
        assertThat(decrypt(tampered)).isEqualTo(tampered);
    }

    @Test
    void binaryRoundTripsAsBinary() {
        byte[] binary = {(byte) 0xff, 0, 1};
        assertThat((byte[]) decrypt(encrypt(binary))).containsExactly(0xff, 0, 1);
    }

    @Test
    void nodesConfiguredWithOneSecretReadEachOthersValues() {
        Map<String, Object> settings = Providers.providerSettings("obf", Map.of("secret", SECRET));
        DataProvider a = Providers.start(new ObfProviderFactory(), settings);
        DataProvider b = Providers.start(new ObfProviderFactory(), settings);
        assertThat(Providers.call(b, "decrypt", Providers.call(a, "encrypt", "secret-password"))).isEqualTo("secret-password");
    }

    @Test
    void aSecretThatIsTooShortStopsTheStartWithoutShowingIt() {
        assertThatThrownBy(() -> new ObfProviderFactory().create(io.polyhook.core.provider.ProviderContext.of("obf",
                Providers.providerSettings("obf", Map.of("secret", "short-s3cret")), io.polyhook.core.provider.PoolRegistry.create())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("providers.obf.secret must be at least 16 bytes long")
                .message().doesNotContain("short-s3cret");
    }

    @Test
    void aSecretThatIsNotAStringStopsTheStart() {
        assertThatThrownBy(() -> new ObfProviderFactory().create(io.polyhook.core.provider.ProviderContext.of("obf",
                Providers.providerSettings("obf", Map.of("secret", 1234567890123456789L)), io.polyhook.core.provider.PoolRegistry.create())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("providers.obf.secret must be a string");
    }

    @Test
    void nonStringArgumentsAreErrors() {
        assertThatThrownBy(() -> encrypt(1L))
                .isInstanceOf(ProviderException.class)
                .hasMessage("obf.encrypt: bad argument #1 (string expected, got number)");
        assertThatThrownBy(() -> decrypt(Map.of("a", "b")))
                .isInstanceOf(ProviderException.class)
                .hasMessage("obf.decrypt: bad argument #1 (string expected, got table)");
    }
}
