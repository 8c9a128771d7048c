package io.polyhook.provider.crypto;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;

/**
 * Creates {@code crypto}: {@code crypto.hash(alg, data)} returns the raw digest bytes of
 * {@code data} for {@code md5}, {@code sha} (SHA-1), {@code sha224}, {@code sha256},
 * {@code sha384}, {@code sha512}, {@code sha3_224}, {@code sha3_256}, {@code sha3_384} and
 * {@code sha3_512}.
 */
public final class CryptoProviderFactory implements ProviderFactory {

    @Override
    public String name() {
        return "crypto";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        return DataProvider.builder("crypto")
                .function("hash", args -> {
                    String algorithm = args.string(1);
                    byte[] data = args.bytes(2);
                    return Digests.hash(algorithm, data).orElseThrow(() -> args.argError(1,
                            "unknown hash algorithm '" + algorithm + "', expected one of " + Digests.names()));
                })
                .build();
    }
}
