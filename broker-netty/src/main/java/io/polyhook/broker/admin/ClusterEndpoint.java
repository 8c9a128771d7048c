package io.polyhook.broker.admin;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterView;
import io.polyhook.broker.cluster.DataPlane;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/cluster}: whether clustering is on, this node's name and view (members,
 * missing nodes, netsplit state, view id), the number of routes each node has published, and
 * the data plane's counters. A single node shows itself alone.
 */
final class ClusterEndpoint {

    private final Cluster cluster;

    ClusterEndpoint(Cluster cluster) {
        this.cluster = cluster;
    }

    void routes(Router router) {
        router.get("/api/v1/cluster", r -> status());
    }

    private Map<String, Object> status() {
        ClusterView view = cluster.membership().view();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", cluster.settings().enabled());
        out.put("node", cluster.nodeName());
        out.put("members", view.members());
        out.put("missing", List.copyOf(new java.util.TreeSet<>(view.missing())));
        out.put("netsplit", view.netsplit().name().toLowerCase(java.util.Locale.ROOT));
        out.put("view_id", view.viewId());
        Map<String, Object> routes = new TreeMap<>();
        cluster.routes().snapshot().forEach((node, list) -> routes.put(node, list.size()));
        out.put("routes", routes);
        DataPlane.Stats s = cluster.dataPlane().stats();
        Map<String, Object> plane = new LinkedHashMap<>();
        plane.put("sent", s.sent());
        plane.put("received", s.received());
        plane.put("dropped", s.dropped());
        plane.put("frames", s.frames());
        plane.put("bytes", s.bytes());
        out.put("data_plane", plane);
        return out;
    }
}
