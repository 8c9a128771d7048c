package io.polyhook.provider.obf;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Creates {@code obf}: {@code obf.encrypt(s)} gives an obfuscated form of {@code s}
 * ({@code "obf:..."}, different every time), {@code obf.decrypt(s)} gives the plain text back,
 * and returns anything it cannot decrypt, plain text above all, unchanged.
 *
 * <p>The key is random per node and start, unless {@code providers.obf.secret} is set, a
 * string from which it is derived (to share obfuscated values between nodes or restarts).
 */
public final class ObfProviderFactory implements ProviderFactory {

    static final String SECRET = "secret";

    @Override
    public String name() {
        return "obf";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        Obfuscator obfuscator = obfuscator(context);
        return DataProvider.builder("obf")
                .function("encrypt", args -> obfuscator.encrypt(args.bytes(1)))
                .function("decrypt", args -> decrypt(obfuscator, args))
                .build();
    }

    private static Object decrypt(Obfuscator obfuscator, Arguments args) {
        // A Lua string that is not UTF-8 arrives as bytes; it cannot be one of ours, which are ASCII.
        if (args.get(1) instanceof byte[] bytes) {
            return bytes;
        }
        return obfuscator.decrypt(args.string(1));
    }

    private static Obfuscator obfuscator(ProviderContext context) {
        SecureRandom random = new SecureRandom();
        Object secret = context.defaults().get(SECRET);
        if (secret == null) {
            return Obfuscator.withRandomKey(random);
        }
        // Neither message shows the value: it is a secret.
        String key = "providers." + context.name() + "." + SECRET;
        if (!(secret instanceof String s)) {
            throw new IllegalArgumentException(key + " must be a string");
        }
        if (s.getBytes(StandardCharsets.UTF_8).length < 16) {
            throw new IllegalArgumentException(key + " must be at least 16 bytes long");
        }
        return Obfuscator.withSecret(s, random);
    }
}
