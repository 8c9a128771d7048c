/**
 * The broker wired to its {@link io.polyhook.broker.cluster.Cluster}: routes published from the
 * subscription tree, messages sent on to the nodes whose routes match and received from them,
 * shared groups that span nodes, retained messages copied everywhere, client ids claimed and
 * sessions taken over or handed over between nodes, commands run on every node, and the status
 * page. Routing and sessions know nothing of the cluster: they call through
 * {@link io.polyhook.broker.routing.RemoteRoutes} and {@link io.polyhook.broker.session.ClusterSeam}.
 */
package io.polyhook.broker.clusterbridge;
