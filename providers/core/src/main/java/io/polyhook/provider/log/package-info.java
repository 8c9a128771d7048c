/** The {@code log} library: script log lines through SLF4J. */
package io.polyhook.provider.log;
