package io.polyhook.core.provider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments.ArgumentSet;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class ArgumentsTest {

    private static final byte[] NOT_UTF8 = {(byte) 0xff, (byte) 0xfe};

    private static Arguments call(Object... values) {
        return Arguments.of("kv.insert", values);
    }

    static Stream<ArgumentSet> badArguments() {
        return Stream.of(
                failure("string for a table", call("t", "x"), a -> a.map(2),
                        "kv.insert: bad argument #2 (table expected, got string)"),
                failure("non-empty array for a table", call("t", List.of(1L)), a -> a.map(2),
                        "kv.insert: bad argument #2 (table expected, got array)"),
                failure("missing argument", call("t"), a -> a.map(2),
                        "kv.insert: bad argument #2 (table expected, got no value)"),
                failure("explicit nil", call("t", null), a -> a.map(2),
                        "kv.insert: bad argument #2 (table expected, got nil)"),
                failure("number for a string", call(42L), a -> a.string(1),
                        "kv.insert: bad argument #1 (string expected, got number)"),
                failure("binary for a string", call((Object) NOT_UTF8), a -> a.string(1),
                        "kv.insert: bad argument #1 (string expected, got binary)"),
                failure("table for bytes", call(Map.of("a", 1L)), a -> a.bytes(1),
                        "kv.insert: bad argument #1 (string expected, got table)"),
                failure("string for a number", call("5"), a -> a.longValue(1),
                        "kv.insert: bad argument #1 (number expected, got string)"),
                failure("fraction for an integer", call(1.5), a -> a.longValue(1),
                        "kv.insert: bad argument #1 (number has no integer representation)"),
                failure("NaN for an integer", call(Double.NaN), a -> a.optLong(1, 0),
                        "kv.insert: bad argument #1 (number has no integer representation)"),
                failure("huge float for an integer", call(1e19), a -> a.longValue(1),
                        "kv.insert: bad argument #1 (number has no integer representation)"),
                failure("long beyond int", call(1L << 40), a -> a.intValue(1),
                        "kv.insert: bad argument #1 (number out of range)"),
                failure("boolean for a float", call(true), a -> a.doubleValue(1),
                        "kv.insert: bad argument #1 (number expected, got boolean)"),
                failure("number for a boolean", call(0L), a -> a.bool(1),
                        "kv.insert: bad argument #1 (boolean expected, got number)"),
                failure("string for an optional boolean", call("yes"), a -> a.optBool(1, false),
                        "kv.insert: bad argument #1 (boolean expected, got string)"),
                failure("table for an array", call(Map.of("a", 1L)), a -> a.list(1),
                        "kv.insert: bad argument #1 (array expected, got table)"),
                failure("number for an optional table", call("t", 3L), a -> a.optMap(2),
                        "kv.insert: bad argument #2 (table expected, got number)"),
                failure("custom check", call("t"), a -> { throw a.argError(1, "unknown table type 'x'"); },
                        "kv.insert: bad argument #1 (unknown table type 'x')"),
                failure("call-level error", call("t"), a -> { throw a.error("unknown table t"); },
                        "kv.insert: unknown table t"));
    }

    private static ArgumentSet failure(String name, Arguments args, Consumer<Arguments> access, String message) {
        return argumentSet(name, args, access, message);
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentFailsWithLuaStyleMessage(Arguments args, Consumer<Arguments> access, String message) {
        assertThatThrownBy(() -> access.accept(args))
                .isExactlyInstanceOf(ProviderException.class)
                .hasMessage(message);
    }

    @Test
    void integralDoubleIsAcceptedAsInteger() {
        Arguments args = call(3.0, -0.0);

        assertThat(args.longValue(1)).isEqualTo(3L);
        assertThat(args.intValue(2)).isZero();
        assertThat(args.isInteger(1)).isTrue();
    }

    @Test
    void longIsAcceptedAsDouble() {
        assertThat(call(7L).doubleValue(1)).isEqualTo(7.0);
    }

    @Test
    void optionalAccessorsReturnDefaultForNilAndMissing() {
        Arguments args = call((Object) null);

        assertThat(args.optString(1, "d")).isEqualTo("d");
        assertThat(args.optLong(2, 9)).isEqualTo(9);
        assertThat(args.optDouble(2, 1.5)).isEqualTo(1.5);
        assertThat(args.optBool(1, true)).isTrue();
        assertThat(args.optMap(3)).isEmpty();
        assertThat(args.optList(3)).isEmpty();
    }

    @Test
    void bytesAcceptsStringAsUtf8AndBinaryAsCopy() {
        Arguments args = call("é", NOT_UTF8);

        assertThat(args.bytes(1)).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
        byte[] copy = args.bytes(2);
        copy[0] = 0;
        assertThat(args.bytes(2)).isEqualTo(NOT_UTF8);
    }

    @Test
    void emptyContainersCountAsEitherMapOrList() {
        Arguments args = call(List.of(), Map.of());

        assertThat(args.map(1)).isEmpty();
        assertThat(args.list(2)).isEmpty();
    }

    @Test
    void mapAndListAreReadOnly() {
        Map<String, Object> map = new LinkedHashMap<>(Map.of("a", 1L));
        List<Object> list = new ArrayList<>(List.of(1L));
        Arguments args = call(map, list);

        assertThatThrownBy(() -> args.map(1).put("b", 2L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> args.list(2).add(2L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void argumentListIsCopiedAndKeepsNil() {
        List<Object> values = new ArrayList<>();
        values.add("a");
        values.add(null);
        Arguments args = Arguments.of("f", values);
        values.add("later");

        assertThat(args.size()).isEqualTo(2);
        assertThat(args.get(2)).isNull();
        assertThat(args.isNil(2)).isTrue();
        assertThatThrownBy(() -> args.values().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void positionsStartAtOne() {
        Arguments args = call("first");

        assertThat(args.get(1)).isEqualTo("first");
        assertThat(args.get(2)).isNull();
        assertThatThrownBy(() -> args.get(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void typePredicatesMatchTheModel() {
        Arguments args = call(true, 1L, 1.5, "s", NOT_UTF8, Map.of(), List.of());

        assertThat(args.isBool(1)).isTrue();
        assertThat(args.isNumber(2)).isTrue();
        assertThat(args.isNumber(3)).isTrue();
        assertThat(args.isInteger(3)).isFalse();
        assertThat(args.isString(4)).isTrue();
        assertThat(args.isString(5)).isFalse();
        assertThat(args.isBinary(5)).isTrue();
        assertThat(args.isMap(6)).isTrue();
        assertThat(args.isList(7)).isTrue();
    }

    @Test
    void toStringShowsTypesNotValues() {
        assertThat(call("secret-password", 1L)).hasToString("kv.insert(string, number)");
    }
}
