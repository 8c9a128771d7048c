package io.polyhook.cluster.infinispan.internal;

import org.infinispan.conflict.EntryMergePolicy;
import org.infinispan.container.entries.CacheEntry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How two sides of a healed split agree on an entry both changed, where Infinispan's own
 * policies do not fit: an owner entry keeps the highest epoch (the later claim), a retained
 * message the later write.
 */
public final class MergePolicies {

    private MergePolicies() {
    }

    private static final Comparator<CacheEntry<String, String>> BY_EPOCH = Comparator
            .<CacheEntry<String, String>>comparingLong(e -> OwnerValue.decode(e.getValue()).epoch())
            .thenComparing(e -> OwnerValue.decode(e.getValue()).node());
    private static final Comparator<CacheEntry<String, byte[]>> BY_WRITE = Comparator
            .<CacheEntry<String, byte[]>>comparingLong(e -> RetainedRecord.writtenAt(e.getValue()))
            .thenComparing(e -> RetainedRecord.writer(e.getValue()));

    /** Owner entries ({@code "<epoch>:<node>"}): the highest epoch wins; equal epochs by node name, so every node picks the same. */
    public static final EntryMergePolicy<String, String> HIGHEST_EPOCH = (preferred, others) -> pick(preferred, others, BY_EPOCH);

    /** Retained records: the later write by its writer's clock wins; equal times by writer name. */
    public static final EntryMergePolicy<String, byte[]> LATEST_WRITE = (preferred, others) -> pick(preferred, others, BY_WRITE);

    private static <V> CacheEntry<String, V> pick(CacheEntry<String, V> preferred, List<CacheEntry<String, V>> others,
                                                  Comparator<CacheEntry<String, V>> order) {
        List<CacheEntry<String, V>> all = new ArrayList<>(others.size() + 1);
        if (preferred != null && preferred.getValue() != null) {
            all.add(preferred);
        }
        for (CacheEntry<String, V> e : others) {
            if (e != null && e.getValue() != null) {
                all.add(e);
            }
        }
        return all.stream().max(order).orElse(preferred);
    }
}
