/** The {@code crypto} library: message digests. */
package io.polyhook.provider.crypto;
