/**
 * A testing aid for Java plugin authors: {@link io.polyhook.testing.PluginHarness} runs a plugin's
 * handlers against given contexts without a broker, with the broker's chain semantics;
 * {@link io.polyhook.testing.PluginExtension} does it per JUnit 5 test;
 * {@link io.polyhook.testing.TestContexts} makes the common contexts.
 */
package io.polyhook.testing;
