/**
 * What the broker does when one of its threads meets an {@link java.lang.Error}: it either
 * recovers (the unit of work is lost, the thread goes on) or ends the process with one line on
 * standard error, never stays up half-dead. See {@link io.polyhook.broker.failure.ThreadFailures}.
 */
package io.polyhook.broker.failure;
