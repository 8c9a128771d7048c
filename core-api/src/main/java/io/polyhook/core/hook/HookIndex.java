package io.polyhook.core.hook;

import io.polyhook.spi.Hook;
import io.polyhook.spi.Hooks;

import java.util.List;

/**
 * A dense index 0..{@link #COUNT}{@code - 1} of every hook point, its position in
 * {@link Hooks#all()}, for array-indexed lookups on the hot path. It is the broker's business,
 * not a plugin author's, so it lives here rather than in the SPI.
 *
 * <p>A lookup hashes the hook's identity into a small open-addressed table: no allocation, no
 * lock, a few nanoseconds.
 */
public final class HookIndex {

    /** The number of hook points. */
    public static final int COUNT = Hooks.all().size();

    private static final int MASK;
    private static final Hook<?>[] KEYS;
    private static final int[] VALUES;

    static {
        List<Hook<?>> all = Hooks.all();
        int size = Integer.highestOneBit(all.size() * 4 - 1) << 1;
        MASK = size - 1;
        KEYS = new Hook<?>[size];
        VALUES = new int[size];
        for (int i = 0; i < all.size(); i++) {
            int slot = slot(all.get(i));
            while (KEYS[slot] != null) {
                slot = (slot + 1) & MASK;
            }
            KEYS[slot] = all.get(i);
            VALUES[slot] = i;
        }
    }

    private HookIndex() {
    }

    /** The index of {@code hook}: its position in {@link Hooks#all()}. */
    public static int of(Hook<?> hook) {
        int slot = slot(hook);
        while (true) {
            Hook<?> k = KEYS[slot];
            if (k == hook) {
                return VALUES[slot];
            }
            if (k == null) {
                throw new IllegalArgumentException("not a hook point of Hooks: " + hook);
            }
            slot = (slot + 1) & MASK;
        }
    }

    private static int slot(Hook<?> hook) {
        int h = System.identityHashCode(hook);
        return (h ^ (h >>> 16)) & MASK;
    }
}
