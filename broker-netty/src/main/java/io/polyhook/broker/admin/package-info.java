/**
 * The HTTP admin API ({@code admin.address}): scripts, plugins, the auth cache and
 * {@code /metrics}. Unauthenticated, so it binds to the loopback interface unless told otherwise.
 */
package io.polyhook.broker.admin;
