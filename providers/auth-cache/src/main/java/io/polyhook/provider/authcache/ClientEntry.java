package io.polyhook.provider.authcache;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Every insert still held for one (mountpoint, client id), oldest first. Matching uses the
 * newest; clearing removes the oldest, so when a reconnecting client takes over a session, the
 * old connection going offline leaves the new one's ACLs in place. Immutable: changes return a
 * new entry.
 */
final class ClientEntry {

    private final CachedAcls[] versions;

    private ClientEntry(CachedAcls[] versions) {
        this.versions = versions;
    }

    static ClientEntry of(CachedAcls acls) {
        return new ClientEntry(new CachedAcls[] {acls});
    }

    CachedAcls newest() {
        return versions[versions.length - 1];
    }

    int versions() {
        return versions.length;
    }

    /** This entry with {@code acls} as the newest version. */
    ClientEntry plus(CachedAcls acls) {
        CachedAcls[] more = Arrays.copyOf(versions, versions.length + 1);
        more[versions.length] = acls;
        return new ClientEntry(more);
    }

    /** This entry without its oldest version, or {@code null} if that was the only one. */
    ClientEntry withoutOldest() {
        return versions.length == 1 ? null : new ClientEntry(Arrays.copyOfRange(versions, 1, versions.length));
    }

    /** This entry without the versions {@code drop} selects, or {@code null} if none is left. */
    ClientEntry without(Predicate<CachedAcls> drop) {
        CachedAcls[] kept = Arrays.stream(versions).filter(drop.negate()).toArray(CachedAcls[]::new);
        if (kept.length == versions.length) {
            return this;
        }
        return kept.length == 0 ? null : new ClientEntry(kept);
    }

    /** Whether some version was inserted for {@code username}. */
    boolean hasUsername(String username) {
        for (CachedAcls v : versions) {
            if (v.username().equals(username)) {
                return true;
            }
        }
        return false;
    }
}
