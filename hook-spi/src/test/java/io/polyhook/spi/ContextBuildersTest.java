package io.polyhook.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Contexts are built by plugins' tests through builders, so that a field added in a minor
 * release (with a default in the builder) breaks no plugin's code: every field has a setter, the
 * defaults are those of a plain client, and a plugin's test code that builds every context
 * compiles with nothing but hook-spi on its class path.
 */
class ContextBuildersTest {

    @ParameterizedTest
    @ValueSource(classes = {RegisterContext.class, AuthContext.class, PublishContext.class, SubscribeContext.class,
            UnsubscribeContext.class, ClientContext.class})
    void everyFieldOfAContextHasABuilderSetter(Class<?> context) throws ReflectiveOperationException {
        Method builder = context.getMethod("builder");
        assertThat(Modifier.isStatic(builder.getModifiers())).isTrue();
        Class<?> type = builder.getReturnType();

        List<String> setters = Arrays.stream(type.getMethods())
                .filter(m -> m.getParameterCount() == 1 && m.getReturnType() == type).map(Method::getName).toList();
        assertThat(setters).as("setters of %s", type.getName())
                .containsAll(Arrays.stream(context.getRecordComponents()).map(RecordComponent::getName).toList());
        assertThat(type.getMethod("build").getReturnType()).isEqualTo(context);
    }

    @Test
    void aPublishContextBuiltFromItsRequiredFieldsHasAPlainClientsDefaults() {
        PublishContext ctx = PublishContext.builder().clientId("c1").topic("a/b").build();

        assertThat(ctx).isEqualTo(new PublishContext(MqttVersion.V5, "", "c1", Optional.empty(), "a/b", 0, Bytes.EMPTY,
                false, MqttProperties.EMPTY));
    }

    @Test
    void aRegisterContextBuiltFromItsClientIdComesFromALoopbackPeerOnAnMqttListener() {
        RegisterContext ctx = RegisterContext.builder().clientId("c1").username("alice").password(Bytes.utf8("pw")).build();

        assertThat(ctx.peer()).isEqualTo(new Peer("127.0.0.1", 50_000));
        assertThat(ctx.listener()).isEqualTo(new Listener("127.0.0.1", 1883, ListenerType.MQTT));
        assertThat(ctx.cleanStart()).isTrue();
        assertThat(ctx.username()).contains("alice");
        assertThat(ctx.passwordAsString()).contains("pw");
        assertThat(ctx.clientCertificate()).isEmpty();
    }

    @Test
    void aNullOptionalValueMeansNone() {
        assertThat(SubscribeContext.builder().clientId("c1").username("bob").username(null).build().username()).isEmpty();
    }

    @Test
    void buildChecksTheValuesAsTheConstructorDoes() {
        assertThatThrownBy(() -> PublishContext.builder().topic("a").build())
                .isInstanceOf(NullPointerException.class).hasMessage("clientId");
        assertThatThrownBy(() -> PublishContext.builder().clientId("c").topic("a").qos(3).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qos");
    }

    /**
     * A plugin's test, as its author writes it: it sees hook-spi and nothing of the broker, and
     * names only the fields it cares about.
     */
    private static final String PLUGIN_TEST = """
            package com.example.guard;

            import io.polyhook.spi.*;
            import java.util.List;

            class GuardContexts {
                static List<HookContext> all() {
                    return List.of(
                            RegisterContext.builder().clientId("c1").username("alice").password(Bytes.utf8("pw")).build(),
                            AuthContext.builder().clientId("c1").build(),
                            PublishContext.builder().clientId("c1").topic("json/temp").qos(1)
                                    .payload(Bytes.utf8("{}")).protocolVersion(MqttVersion.V3_1_1).build(),
                            SubscribeContext.builder().clientId("c1").topics(List.of(TopicSubscription.of("a/#", 1))).build(),
                            UnsubscribeContext.builder().clientId("c1").topics(List.of("a/#")).build(),
                            ClientContext.builder().mountpoint("site-1").clientId("c1").build());
                }
            }
            """;

    @Test
    void aPluginsTestCodeBuildingEveryContextCompilesAgainstHookSpiAlone(@TempDir Path dir) throws Exception {
        Path source = Files.createDirectories(dir.resolve("src/com/example/guard")).resolve("GuardContexts.java");
        Files.writeString(source, PLUGIN_TEST);
        Path hookSpi = Path.of(HookContext.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        int status = javac.run(null, null, errors, "--release", "21", "-Xlint:all", "-Werror",
                "-cp", hookSpi.toString(), "-d", dir.resolve("classes").toString(), source.toString());

        assertThat(status).as(errors.toString()).isZero();
        assertThat(dir.resolve("classes/com/example/guard/GuardContexts.class")).exists();
    }
}
