/** Fixtures for tests of plugin loading: jars compiled at test time, outside the test's class path. */
package io.polyhook.core.plugin.testing;
