package io.polyhook.provider.json;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.provider.testing.Providers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonProviderTest {

    private final DataProvider json = Providers.start(new JsonProviderFactory());

    private Object decode(Object text) {
        return Providers.call(json, "decode", text);
    }

    private Object encode(Object... args) {
        return Providers.call(json, "encode", args);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"awesome\":true,\"format\":\"json\"}",
            "[\"a\",\"list\",\"of\",\"words\"]",
            "{\"a\":{\"b\":{\"c\":\"hello\",\"d\":[1,2,3,4,5]}}}",
            "{}",
            "{\"a\":[{\"b\":{}}]}",
    })
    void decodingThenEncodingGivesTheStringsOfJsonTestLuaBack(String text) {
        assertThat(encode(decode(text))).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"a\":[]}", "{\"a\":{}}"})
    void anEmptyArrayOrObjectDecodesToAnEmptyTableThatEncodesAsAnObject(String text) {
        Map<?, ?> decoded = (Map<?, ?>) decode(text);
        Object a = decoded.get("a");
        assertThat(a instanceof Map<?, ?> m && m.isEmpty() || a instanceof List<?> l && l.isEmpty())
                .as("%s is an empty table", a).isTrue();
        assertThat(encode(decoded)).isEqualTo("{\"a\":{}}");
    }

    @Test
    void anEmptyTableEncodesAsAnObject() {
        assertThat(encode(Map.of("a", Map.of()))).isEqualTo("{\"a\":{}}");
        assertThat(encode(List.of())).isEqualTo("{}");
        assertThat(encode(Map.of())).isEqualTo("{}");
    }

    @Test
    void encodeSortsObjectKeys() {
        Map<String, Object> unsorted = new LinkedHashMap<>();
        unsorted.put("b", 2L);
        unsorted.put("c", Map.of("z", 1L, "y", 2L));
        unsorted.put("a", 1L);
        assertThat(encode(unsorted)).isEqualTo("{\"a\":1,\"b\":2,\"c\":{\"y\":2,\"z\":1}}");
    }

    @Test
    void encodeWritesEveryScalarType() {
        Map<String, Object> table = new HashMap<>();
        table.put("i", 42L);
        table.put("f", 1.5);
        table.put("t", true);
        table.put("s", "h\u00e9 \"quoted\"");
        table.put("list", Arrays.asList(1L, null, "x"));
        assertThat(encode(table)).isEqualTo("{\"f\":1.5,\"i\":42,\"list\":[1,null,\"x\"],\"s\":\"h\u00e9 \\\"quoted\\\"\",\"t\":true}");
    }

    @Test
    void encodeWritesBinaryAsAStringDecodedAsUtf8() {
        assertThat(encode(Map.of("b", "h\u00e9".getBytes(StandardCharsets.UTF_8)))).isEqualTo("{\"b\":\"h\u00e9\"}");
        assertThat(encode(Map.of("b", new byte[] {(byte) 0xff}))).isEqualTo("{\"b\":\"\ufffd\"}");
    }

    @Test
    void encodeOfANonFiniteNumberIsNil() {
        assertThat(encode(Map.of("x", Double.NaN))).isNull();
        assertThat(encode(List.of(Double.POSITIVE_INFINITY))).isNull();
    }

    @Test
    void encodeOfATableNestedTooDeeplyIsNil() {
        Object value = List.of("leaf");
        for (int i = 0; i < JsonCodec.MAX_DEPTH + 1; i++) {
            value = List.of(value);
        }
        assertThat(encode(value)).isNull();
    }

    @Test
    void decodeGivesModelValues() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("i", 1L);
        expected.put("f", 1.5);
        expected.put("e", 100.0);
        expected.put("big", 1.2345678901234568E23);
        expected.put("t", true);
        expected.put("n", null);
        expected.put("s", "x");
        expected.put("l", new ArrayList<>(List.of(1L, "two")));
        assertThat(decode("{\"i\":1,\"f\":1.5,\"e\":1e2,\"big\":123456789012345678901234,\"t\":true,"
                + "\"n\":null,\"s\":\"x\",\"l\":[1,\"two\"]}")).isEqualTo(expected);
    }

    @Test
    void decodeOfJsonNullIsNilNotTheStringNull() {
        assertThat(decode("null")).isNull();
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("a", null);
        assertThat(decode("{\"a\":null}")).isEqualTo(withNull);
    }

    @Test
    void decodeAcceptsBinaryInput() {
        assertThat(decode("[1]".getBytes(StandardCharsets.UTF_8))).isEqualTo(List.of(1L));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "{", "{\"a\":}", "[1,]", "nope", "{} x", "{'a':1}"})
    void decodeOfInvalidJsonIsNil(String text) {
        assertThat(decode(text)).isNull();
    }

    @Test
    void encodeOfANonTableIsAnError() {
        assertThatThrownBy(() -> encode("text"))
                .isInstanceOf(ProviderException.class)
                .hasMessage("json.encode: bad argument #1 (table expected, got string)");
        assertThatThrownBy(this::encode)
                .isInstanceOf(ProviderException.class)
                .hasMessage("json.encode: bad argument #1 (table expected, got no value)");
    }

    @Test
    void decodeOfANonStringIsAnError() {
        assertThatThrownBy(() -> decode(1L))
                .isInstanceOf(ProviderException.class)
                .hasMessage("json.decode: bad argument #1 (string expected, got number)");
    }
}
