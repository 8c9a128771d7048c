package io.polyhook.core.provider;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataProviderTest {

    @Test
    void builderKeepsFunctionsInDeclarationOrder() {
        DataProvider provider = DataProvider.builder("kv")
                .function("insert", args -> true)
                .function("lookup", args -> List.of())
                .function("delete", args -> true)
                .build();

        assertThat(provider.name()).isEqualTo("kv");
        assertThat(provider.functions()).containsOnlyKeys("insert", "lookup", "delete");
        assertThat(provider.functions().keySet()).containsExactly("insert", "lookup", "delete");
    }

    @Test
    void builtProviderIsImmutable() {
        DataProvider.Builder builder = DataProvider.builder("kv").function("a", args -> null);
        DataProvider provider = builder.build();
        builder.function("b", args -> null);

        assertThat(provider.functions()).containsOnlyKeys("a");
        assertThatThrownBy(() -> provider.functions().put("c", args -> null))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void functionDeclaredTwiceIsRejected() {
        DataProvider.Builder builder = DataProvider.builder("kv").function("insert", args -> true);

        assertThatThrownBy(() -> builder.function("insert", args -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kv.insert is declared twice");
    }

    @Test
    void namesMustBeIdentifiers() {
        assertThatThrownBy(() -> DataProvider.builder("my-kv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("provider name is not an identifier: 'my-kv'");
        assertThatThrownBy(() -> DataProvider.builder("kv").function("1st", args -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("function name is not an identifier: '1st'");
    }

    @Test
    void closeRunsActionsOnceLastAddedFirst() {
        List<String> ran = new ArrayList<>();
        DataProvider provider = DataProvider.builder("x")
                .onClose(() -> ran.add("first"))
                .onClose(() -> ran.add("second"))
                .build();

        provider.close();
        provider.close();

        assertThat(ran).containsExactly("second", "first");
    }

    @Test
    void failingCloseActionDoesNotStopTheOthers() {
        List<String> ran = new ArrayList<>();
        DataProvider provider = DataProvider.builder("x")
                .onClose(() -> ran.add("first"))
                .onClose(() -> {
                    throw new IllegalStateException("boom");
                })
                .build();

        assertThatThrownBy(provider::close).hasMessage("boom");
        assertThat(ran).containsExactly("first");
    }

    @Test
    void functionIsCalledWithItsArguments() {
        DataProvider provider = DataProvider.builder("math")
                .function("add", args -> args.longValue(1) + args.longValue(2))
                .build();

        Object result = provider.functions().get("add").call(Arguments.of("math.add", 2L, 3.0));

        assertThat(result).isEqualTo(5L);
    }
}
