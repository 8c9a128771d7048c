/**
 * The reference broker of Polyhook on Netty. Start one with {@link io.polyhook.broker.PolyhookBroker#builder()},
 * or from the command line with {@code polyhook run [--config FILE]}.
 */
package io.polyhook.broker;
