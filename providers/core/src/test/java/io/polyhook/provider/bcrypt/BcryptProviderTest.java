package io.polyhook.provider.bcrypt;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.PoolRegistry;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.provider.testing.Providers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BcryptProviderTest {

    // The lowest cost keeps the tests fast; the cost does not change what is tested.
    private final DataProvider bcrypt = Providers.start(new BcryptProviderFactory(),
            Providers.providerSettings("bcrypt", Map.of("default_log_rounds", 4L)));

    private Object hashpw(Object password, Object salt) {
        return Providers.call(bcrypt, "hashpw", password, salt);
    }

    @AfterEach
    void close() {
        bcrypt.close();
    }

    @Test
    void anInterruptedCallerGetsAnErrorNotAHash() {
        Object salt = Providers.call(bcrypt, "gen_salt");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> hashpw("my-password", salt))
                    .isInstanceOf(ProviderException.class).hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void manyCallersAtOnceEachGetTheirOwnHash() throws Exception {
        Object salt = Providers.call(bcrypt, "gen_salt");
        try (var callers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var hashes = new java.util.ArrayList<java.util.concurrent.Future<Object>>();
            for (int i = 0; i < 32; i++) {
                String password = "pw-" + i;
                hashes.add(callers.submit(() -> hashpw(password, salt)));
            }
            for (int i = 0; i < 32; i++) {
                assertThat(hashpw("pw-" + i, hashes.get(i).get())).isEqualTo(hashes.get(i).get());
            }
        }
    }

    @Test
    void aHashOfAGeneratedSaltVerifiesItsPassword() {
        Object salt = Providers.call(bcrypt, "gen_salt");
        Object hash = hashpw("my-password", salt);
        assertThat(hashpw("my-password", hash)).isEqualTo(hash);
    }

    @Test
    void aHashDoesNotVerifyAnotherPassword() {
        Object hash = hashpw("my-password", Providers.call(bcrypt, "gen_salt"));
        assertThat(hashpw("my-passw0rd", hash)).isNotEqualTo(hash);
    }

    @Test
    void genSaltUsesTheConfiguredCostAndThe2aPrefix() {
        assertThat(Providers.call(bcrypt, "gen_salt")).asString().matches("\\$2a\\$04\\$[./A-Za-z0-9]{22}");
    }

    @Test
    void genSaltCostIs12ByDefault() {
        try (DataProvider defaults = Providers.start(new BcryptProviderFactory())) {
            assertThat(Providers.call(defaults, "gen_salt")).asString().matches("\\$2a\\$12\\$[./A-Za-z0-9]{22}");
        }
    }

    @Test
    void twoSaltsDiffer() {
        assertThat(Providers.call(bcrypt, "gen_salt")).isNotEqualTo(Providers.call(bcrypt, "gen_salt"));
    }

    // Each hash is published or computed by another implementation, and keeps its own version
    // prefix when hashpw verifies against it: jBCrypt's test vectors (Damien Miller), Openwall's
    // crypt_blowfish test vector, the PHP manual's password_verify example, and glibc's
    // crypt(3) (libxcrypt) on this machine for the $2b$ and $2y$ forms of a jBCrypt vector.
    @ParameterizedTest(name = "''{0}'' verifies against {1}")
    @CsvSource(delimiter = '|', value = {
            "''            | $2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.",
            "abc           | $2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i",
            "U*U           | $2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
            "abc           | $2b$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i",
            "my-password   | $2b$05$CCCCCCCCCCCCCCCCCCCCC.m7zeoD.1qox37WVRD/7guc/fM5s3aTK",
            "abc           | $2y$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i",
            "rasmuslerdorf | $2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a",
    })
    void knownHashesVerifyWithTheHashpwIdiom(String password, String hash) {
        assertThat(hashpw(password, hash)).isEqualTo(hash);
    }

    @Test
    void hashpwWithASaltGivesTheWholeHash() {
        assertThat(hashpw("abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu"))
                .isEqualTo("$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i");
    }

    @Test
    void hashpwAcceptsABinaryPassword() {
        assertThat(hashpw("abc".getBytes(StandardCharsets.UTF_8), "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"))
                .isEqualTo("$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i");
    }

    // Computed with glibc's crypt(3), which cuts passwords to 72 bytes as OpenBSD does.
    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({
            "71,  $2b$05$CCCCCCCCCCCCCCCCCCCCC.WbbLb4J7PKYWYm3biA.M18AI380Pnzu",
            "72,  $2b$05$CCCCCCCCCCCCCCCCCCCCC.D7RDOYXakZhsFmh/LdqQNx0kQ424AFS",
            "100, $2b$05$CCCCCCCCCCCCCCCCCCCCC.D7RDOYXakZhsFmh/LdqQNx0kQ424AFS",
    })
    void passwordsAreCutTo72BytesAsOpenBsdDoes(int length, String hash) {
        assertThat(hashpw("x".repeat(length), "$2b$05$CCCCCCCCCCCCCCCCCCCCC.")).isEqualTo(hash);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "not-a-salt", "$2x$05$CCCCCCCCCCCCCCCCCCCCC.", "$2a$03$CCCCCCCCCCCCCCCCCCCCC.",
            "$2a$32$CCCCCCCCCCCCCCCCCCCCC.", "$2a$05$CCCCCCCCCCCC", "$1$saltsalt$hashhashhashhashhashha"})
    void anythingButABcryptSaltOrHashIsAnErrorThatDoesNotRepeatIt(String salt) {
        assertThatThrownBy(() -> hashpw("pw", salt))
                .isInstanceOf(ProviderException.class)
                .hasMessage("bcrypt.hashpw: bad argument #2 (not a bcrypt salt or hash ($2a$, $2b$ or $2y$, cost 4 to 31))");
    }

    @Test
    void nonStringArgumentsAreErrors() {
        assertThatThrownBy(() -> hashpw(1L, "$2a$04$CCCCCCCCCCCCCCCCCCCCC."))
                .isInstanceOf(ProviderException.class)
                .hasMessage("bcrypt.hashpw: bad argument #1 (string expected, got number)");
        assertThatThrownBy(() -> hashpw("pw", null))
                .isInstanceOf(ProviderException.class)
                .hasMessage("bcrypt.hashpw: bad argument #2 (string expected, got nil)");
        assertThatThrownBy(() -> hashpw("pw", Map.of("a", "b")))
                .isInstanceOf(ProviderException.class)
                .hasMessage("bcrypt.hashpw: bad argument #2 (string expected, got table)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "3    | not 3",
            "32   | not 32",
            "12.5 | not 12.5",
            "'12' | not a string",
    })
    void aBadDefaultLogRoundsStopsTheStartNamingTheKey(String value, String shown) {
        Object setting = value.equals("12") ? "12" : value.contains(".") ? (Object) Double.valueOf(value) : (Object) Long.valueOf(value);
        assertThatThrownBy(() -> new BcryptProviderFactory().create(ProviderContext.of("bcrypt",
                Providers.providerSettings("bcrypt", Map.of("default_log_rounds", setting)), PoolRegistry.create())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("providers.bcrypt.default_log_rounds must be an integer from 4 to 31, " + shown);
    }
}
