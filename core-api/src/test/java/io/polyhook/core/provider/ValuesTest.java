package io.polyhook.core.provider;

import io.polyhook.spi.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments.ArgumentSet;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class ValuesTest {

    static Stream<ArgumentSet> conversions() {
        return Stream.of(
                argumentSet("Integer to Long", 5, 5L),
                argumentSet("Short to Long", (short) -3, -3L),
                argumentSet("Byte to Long", (byte) 7, 7L),
                argumentSet("Long stays", 1L << 40, 1L << 40),
                argumentSet("Float to Double by its decimal digits", 1.1f, 1.1),
                argumentSet("Double stays", 2.5, 2.5),
                argumentSet("integral BigDecimal to Long", new BigDecimal("42.000"), 42L),
                argumentSet("zero BigDecimal with scale to Long", new BigDecimal("0.00"), 0L),
                argumentSet("fractional BigDecimal to Double", new BigDecimal("4.25"), 4.25),
                argumentSet("BigDecimal beyond long to Double", new BigDecimal("1e20"), 1e20),
                argumentSet("small BigInteger to Long", BigInteger.valueOf(-9), -9L),
                argumentSet("huge BigInteger to Double", BigInteger.TWO.pow(70), 0x1p70),
                argumentSet("StringBuilder to String", new StringBuilder("sb"), "sb"),
                argumentSet("Character to String", 'c', "c"),
                argumentSet("Bytes to byte[]", Bytes.utf8("hi"), new byte[] {'h', 'i'}),
                argumentSet("ByteBuffer remaining to byte[]", ByteBuffer.wrap(new byte[] {1, 2, 3}).position(1),
                        new byte[] {2, 3}),
                argumentSet("Set to List of converted elements", Set.of(1), List.of(1L)),
                argumentSet("Object[] to List", new Object[] {1, "a", null}, Arrays.asList(1L, "a", null)),
                argumentSet("nested Map values converted", Map.of("n", List.of(1, 2.5f)),
                        Map.of("n", List.of(1L, 2.5))));
    }

    @ParameterizedTest
    @MethodSource("conversions")
    void convertsCommonJavaValues(Object input, Object expected) {
        assertThat(Values.convert(input)).isEqualTo(expected);
    }

    @Test
    void convertedMapKeepsIterationOrder() {
        Map<String, Object> sorted = new TreeMap<>(Map.of("b", 2, "a", 1, "c", 3));

        Object converted = Values.convert(sorted);

        assertThat(converted).isInstanceOf(LinkedHashMap.class);
        assertThat(List.copyOf(((Map<?, ?>) converted).keySet())).isEqualTo(List.of("a", "b", "c"));
    }

    @Test
    void convertRejectsValueWithoutModelEquivalentNamingWhere() {
        Map<String, Object> value = Map.of("users", List.of(Map.of("seen", Instant.EPOCH)));

        assertThatThrownBy(() -> Values.convert(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value.users[1].seen is a java.time.Instant, which has no model equivalent");
    }

    @Test
    void convertRejectsNonStringKey() {
        assertThatThrownBy(() -> Values.convert(Map.of(1, "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value has a key that is not a string: 1 (java.lang.Integer)");
    }

    @Test
    void convertRejectsCycle() {
        List<Object> self = new ArrayList<>();
        self.add(self);

        assertThatThrownBy(() -> Values.convert(self))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value[1] contains itself");
    }

    @Test
    void convertAcceptsSharedSubstructure() {
        List<Object> shared = List.of(1);

        assertThat(Values.convert(List.of(shared, shared))).isEqualTo(List.of(List.of(1L), List.of(1L)));
    }

    @Test
    void immutableCopyIsUnmodifiableAllTheWayDown() {
        Map<String, Object> nested = new HashMap<>();
        nested.put("list", new ArrayList<>(List.of(new HashMap<>(Map.of("k", 1)))));

        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) Values.immutableCopy(nested);
        List<?> list = (List<?>) copy.get("list");
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) list.get(0);

        assertThatThrownBy(() -> copy.put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(list::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> inner.put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(inner).containsEntry("k", 1L);
    }

    @Test
    void modelValuesConform() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("nil", null);
        map.put("list", Arrays.asList(true, 1L, 1.5, "s", new byte[] {1}, null, List.of()));

        assertThat(Values.conforms(map)).isTrue();
        assertThat(Values.conforms(null)).isTrue();
    }

    @Test
    void javaValuesOutsideTheModelDoNotConform() {
        assertThat(Values.conforms(1)).isFalse();
        assertThat(Values.conforms(1.5f)).isFalse();
        assertThat(Values.conforms(Map.of("a", List.of(Map.of("b", 1))))).isFalse();
        assertThat(Values.conforms(Map.of(1L, "x"))).isFalse();
        assertThat(Values.conforms(Set.of("a"))).isFalse();
    }

    @Test
    void cyclicStructureDoesNotConform() {
        Map<String, Object> self = new HashMap<>();
        self.put("me", self);

        assertThat(Values.conforms(self)).isFalse();
    }

    @Test
    void checkNamesFirstViolationWithOneBasedPositions() {
        Object value = Map.of("users", List.of("alice", Map.of("age", 31)));

        assertThatThrownBy(() -> Values.check(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value.users[2].age is a java.lang.Integer");
    }

    @Test
    void checkReturnsConformingValue() {
        Object value = List.of("a", 1L);

        assertThat(Values.check(value)).isSameAs(value);
    }

    @Test
    void typeNamesAreThoseScriptAuthorsSee() {
        assertThat(Values.typeName(null)).isEqualTo("nil");
        assertThat(Values.typeName(true)).isEqualTo("boolean");
        assertThat(Values.typeName(1L)).isEqualTo("number");
        assertThat(Values.typeName(1.0)).isEqualTo("number");
        assertThat(Values.typeName("s")).isEqualTo("string");
        assertThat(Values.typeName(new byte[0])).isEqualTo("binary");
        assertThat(Values.typeName(List.of())).isEqualTo("array");
        assertThat(Values.typeName(Map.of())).isEqualTo("table");
        assertThat(Values.typeName(1)).isEqualTo("java.lang.Integer");
    }
}
