package io.polyhook.core.script.scenarios;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderException;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Test providers: {@code probe.hit(name, value)} records that a script got somewhere (a
 * notification hook whose asserts passed, the state that answered), {@code probe.echo(v)}
 * returns its argument, {@code probe.fail(msg)} raises a provider error; {@code offline_db}
 * is a database whose backend is down.
 */
public final class Probe {

    /** One {@code probe.hit}. */
    public record Hit(String name, Object value) {
    }

    private final ConcurrentLinkedQueue<Hit> all = new ConcurrentLinkedQueue<>();
    private final LinkedBlockingQueue<Hit> pending = new LinkedBlockingQueue<>();

    public DataProvider provider() {
        return DataProvider.builder("probe")
                .function("hit", args -> {
                    Hit hit = new Hit(args.string(1), args.get(2));
                    all.add(hit);
                    pending.add(hit);
                    return true;
                })
                .function("echo", args -> args.get(1))
                .function("args", args -> (long) args.size())
                .function("fail", args -> {
                    throw new ProviderException(args.string(1));
                })
                .build();
    }

    public static DataProvider offlineDb() {
        return DataProvider.builder("offline_db")
                .function("execute", args -> {
                    throw new ProviderException("offline_db.execute: pool auth_postgres is not connected");
                })
                .build();
    }

    public List<Hit> hits() {
        return List.copyOf(all);
    }

    /** Waits for the hit {@code name} with {@code value}; the wait bounds a hang, it asserts no timing. */
    public boolean awaitHit(String name, Object value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Hit hit = pending.poll(100, TimeUnit.MILLISECONDS);
            if (hit != null && hit.name().equals(name) && java.util.Objects.equals(hit.value(), value)) {
                return true;
            }
        }
        return false;
    }
}
