/** The {@code polyhook} command line (picocli). */
package io.polyhook.broker.cli;
