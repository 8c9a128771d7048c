package io.polyhook.provider.bcrypt;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;
import io.polyhook.core.provider.Values;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Creates {@code bcrypt}: {@code bcrypt.gen_salt()} and {@code bcrypt.hashpw(password,
 * salt_or_hash)}, verifying with {@code bcrypt.hashpw(pw, stored) == stored} for
 * {@code $2a$}, {@code $2b$} and {@code $2y$} hashes.
 *
 * <p>Config: {@code providers.bcrypt.default_log_rounds}, the cost of new salts, an integer
 * from 4 to 31 (default 12).
 *
 * <p>Hashing runs on a few platform threads of its own, one per core: a cost-10 hash takes tens
 * of milliseconds of CPU, and on the calling hook's virtual thread it would hold one of the few
 * carrier threads all that time, so during a login storm every other client's hook call would
 * wait behind the hashes. Here the OS time-slices the hashes with everything else, and the
 * caller's virtual thread parks until its hash is done.
 */
public final class BcryptProviderFactory implements ProviderFactory {

    static final String LOG_ROUNDS = "default_log_rounds";

    @Override
    public String name() {
        return "bcrypt";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        BcryptHasher hasher = new BcryptHasher(cost(context), new SecureRandom());
        ExecutorService hashing = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
                Thread.ofPlatform().daemon().name("polyhook-bcrypt-", 0).factory());
        return DataProvider.builder("bcrypt")
                .function("gen_salt", args -> hasher.genSalt())
                .function("hashpw", args -> hashpw(hasher, hashing, args))
                .onClose(hashing::shutdownNow)
                .build();
    }

    private static Object hashpw(BcryptHasher hasher, ExecutorService hashing, Arguments args) {
        byte[] password = args.bytes(1);
        String saltOrHash = args.string(2);
        if (Thread.currentThread().isInterrupted()) {
            // Checked first: a hash that finished before get() would be returned to an interrupted caller.
            throw args.error("interrupted");
        }
        Future<Optional<String>> hash = hashing.submit(() -> hasher.hashpw(password, saltOrHash));
        Optional<String> result;
        try {
            result = hash.get();
        } catch (InterruptedException e) {
            hash.cancel(true);
            Thread.currentThread().interrupt();
            throw args.error("interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        // The salt is not repeated in the message: it may be a stored password hash.
        return result.orElseThrow(() -> args.argError(2,
                "not a bcrypt salt or hash ($2a$, $2b$ or $2y$, cost "
                        + BcryptHasher.MIN_COST + " to " + BcryptHasher.MAX_COST + ")"));
    }

    private static int cost(ProviderContext context) {
        Object value = context.defaults().get(LOG_ROUNDS);
        if (value == null) {
            return BcryptHasher.DEFAULT_COST;
        }
        if (value instanceof Long rounds && rounds >= BcryptHasher.MIN_COST && rounds <= BcryptHasher.MAX_COST) {
            return rounds.intValue();
        }
        String shown = value instanceof Long || value instanceof Double ? value.toString() : "a " + Values.typeName(value);
        throw new IllegalArgumentException("providers." + context.name() + "." + LOG_ROUNDS
                + " must be an integer from " + BcryptHasher.MIN_COST + " to " + BcryptHasher.MAX_COST
                + ", not " + shown);
    }
}
