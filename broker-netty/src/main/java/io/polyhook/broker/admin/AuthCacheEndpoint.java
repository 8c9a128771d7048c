package io.polyhook.broker.admin;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterCommand;

import com.fasterxml.jackson.databind.JsonNode;
import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.spi.SubscriberId;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/auth-cache}: what the cache holds, and invalidation, so that changed ACLs take
 * effect without the client reconnecting (vmq_diversity's most requested missing feature).
 * Entries show user names and ACL patterns, never passwords (the cache holds none).
 */
final class AuthCacheEndpoint {

    private static final int DEFAULT_LIMIT = 100;

    private final AuthCache cache;
    private final Cluster cluster;

    AuthCacheEndpoint(AuthCache cache, Cluster cluster) {
        this.cache = cache;
        this.cluster = cluster;
    }

    void routes(Router router) {
        router.get("/api/auth-cache", this::entries).post("/api/auth-cache/invalidate", this::invalidate);
    }

    private Object entries(ApiRequest request) throws ApiException {
        int limit = DEFAULT_LIMIT;
        String raw = request.query().get("limit");
        if (raw != null) {
            try {
                limit = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 0) {
                throw ApiException.badRequest("limit must be a non-negative integer, was \"" + raw + "\"");
            }
        }
        List<AuthCache.Entry> all = cache.entries();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("size", all.size());
        out.put("entries", all.stream().limit(limit).map(AuthCacheEndpoint::describe).toList());
        return out;
    }

    private static Map<String, Object> describe(AuthCache.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mountpoint", e.subscriberId().mountpoint());
        m.put("client_id", e.subscriberId().clientId());
        m.put("username", e.username());
        m.put("versions", e.versions());
        m.put("publish", e.publishPatterns());
        m.put("subscribe", e.subscribePatterns());
        m.put("expires_in_ms", e.expiresIn().map(d -> (Object) d.toMillis()).orElse(null));
        return m;
    }

    /** One of {@code {all: true}}, {@code {client_id, mountpoint?}}, {@code {username, mountpoint?}}. */
    private Object invalidate(ApiRequest request) throws ApiException {
        JsonNode all = request.body().get("all");
        String clientId = request.optionalText("client_id");
        String username = request.optionalText("username");
        String mountpoint = request.optionalText("mountpoint");
        int given = (all != null ? 1 : 0) + (clientId != null ? 1 : 0) + (username != null ? 1 : 0);
        if (given != 1) {
            throw ApiException.badRequest("give exactly one of {\"all\": true}, {\"client_id\": ..., \"mountpoint\": ...}"
                    + " or {\"username\": ..., \"mountpoint\": ...}");
        }
        int removed;
        if (all != null) {
            if (!all.isBoolean() || !all.booleanValue()) {
                throw ApiException.badRequest("\"all\" must be true");
            }
            removed = cache.invalidateAll();
            everyNode(new ClusterCommand.InvalidateAuthAll());
        } else if (clientId != null) {
            SubscriberId id = new SubscriberId(mountpoint == null ? "" : mountpoint, clientId);
            removed = cache.invalidate(id) ? 1 : 0;
            everyNode(new ClusterCommand.InvalidateAuthClient(id));
        } else {
            // Without a mountpoint: the user's clients in every mountpoint.
            removed = mountpoint == null ? cache.invalidateUser(username) : cache.invalidateUser(mountpoint, username);
            everyNode(new ClusterCommand.InvalidateAuthUser(java.util.Optional.ofNullable(mountpoint), username));
        }
        return Map.of("invalidated", removed);
    }

    /** In a cluster the other nodes' caches forget it too (this node's again, which finds nothing left). */
    private void everyNode(ClusterCommand command) {
        if (cluster.settings().enabled()) {
            cluster.commands().broadcast(command);
        }
    }
}
