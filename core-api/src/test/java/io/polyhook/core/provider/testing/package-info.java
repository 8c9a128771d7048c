/**
 * Test fixtures for data providers, published in core-api's test-jar: a
 * {@link io.polyhook.core.provider.testing.RecordingLogger} whose calls tests assert on, and a
 * {@link io.polyhook.core.provider.testing.TestProviderContext} that hands it to a provider.
 */
package io.polyhook.core.provider.testing;
