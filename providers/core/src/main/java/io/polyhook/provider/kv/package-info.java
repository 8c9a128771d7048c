/** The {@code kv} library: node-global in-memory tables, vmq_diversity's ETS tables with an optional TTL and size cap. */
package io.polyhook.provider.kv;
