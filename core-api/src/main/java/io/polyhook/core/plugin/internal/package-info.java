/** How plugin jars are loaded: one isolating class loader per plugin folder or jar. Not API. */
package io.polyhook.core.plugin.internal;
