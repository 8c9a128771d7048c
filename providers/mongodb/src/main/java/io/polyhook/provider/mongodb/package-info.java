/** The {@code mongodb} library: vmq_diversity's MongoDB functions on the official sync driver, with pools by {@code pool_id}. */
package io.polyhook.provider.mongodb;
