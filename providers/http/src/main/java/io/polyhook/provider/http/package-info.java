/** The {@code http} library: vmq_diversity's HTTP client on java.net.http, with pools by {@code pool_id}. */
package io.polyhook.provider.http;
