package io.polyhook.provider.json;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;
import io.polyhook.core.provider.Values;

import java.util.List;
import java.util.Map;

/**
 * Creates {@code json}: {@code json.encode(table)} gives compact JSON with sorted object keys
 * ({@code nil} if the table holds NaN or infinity); {@code json.decode(string)} gives the value,
 * or {@code nil} for invalid JSON. JSON {@code null} decodes to {@code nil}.
 */
public final class JsonProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "json";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        JsonCodec codec = new JsonCodec();
        return DataProvider.builder("json")
                .function("encode", args -> codec.encode(table(args)))
                .function("decode", args -> codec.decode(args.bytes(1)))
                .build();
    }

    private static Object table(Arguments args) {
        Object value = args.get(1);
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return value;
        }
        throw args.argError(1, "table expected, got " + (args.size() < 1 ? "no value" : Values.typeName(value)));
    }
}
