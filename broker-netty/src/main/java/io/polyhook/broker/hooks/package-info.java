/** Wiring of core-api's hook registry and dispatcher into the broker. */
package io.polyhook.broker.hooks;
