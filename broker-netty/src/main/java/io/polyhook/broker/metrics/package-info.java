/** Broker metrics in Micrometer, exposed in the Prometheus text format on the admin API's {@code /metrics}. */
package io.polyhook.broker.metrics;
