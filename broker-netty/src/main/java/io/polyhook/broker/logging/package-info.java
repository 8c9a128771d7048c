/**
 * The broker's own logging: the {@code logging} section applied to logback by {@code polyhook run},
 * and the rate-limited log of refused logins.
 */
package io.polyhook.broker.logging;
