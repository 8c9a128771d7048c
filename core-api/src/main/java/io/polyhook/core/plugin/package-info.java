/** Starting and stopping the Java {@link io.polyhook.spi.Plugin}s found on the classpath. */
package io.polyhook.core.plugin;
