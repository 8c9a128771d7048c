package io.polyhook.spi;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * A plugin's own meters. The broker publishes them on {@code /metrics} as
 * {@code polyhook_plugin_<name>} with the label {@code plugin="<plugin name>"}, so two plugins
 * may use the same meter name. Asking twice for the same name gives the same meter.
 *
 * <p>Meter names are lower case: letters, digits, {@code _} and {@code .}, starting with a letter.
 *
 * @since 0.1
 */
public interface PluginMetrics {

    /**
     * A counter that only goes up.
     *
     * @param name        the meter's name, e.g. {@code logins.denied}
     * @param description what it counts
     * @return the counter
     * @throws IllegalArgumentException if the name is not a valid meter name, or is a gauge or timer already
     * @since 0.1
     */
    Counter counter(String name, String description);

    /**
     * A value read when the metrics are scraped.
     *
     * @param name        the meter's name
     * @param description what it measures
     * @param value       read on each scrape, on a scrape thread; must be cheap and thread-safe
     * @throws IllegalArgumentException if the name is not a valid meter name, or is already taken
     * @since 0.1
     */
    void gauge(String name, String description, DoubleSupplier value);

    /**
     * A timer: how many times something took how long.
     *
     * @param name        the meter's name, e.g. {@code db.lookup}
     * @param description what it times
     * @return the timer
     * @throws IllegalArgumentException if the name is not a valid meter name, or is a counter or gauge already
     * @since 0.1
     */
    Timer timer(String name, String description);

    /**
     * A counter of a {@link PluginMetrics}.
     *
     * @since 0.1
     */
    interface Counter {
        /**
         * Adds one.
         *
         * @since 0.1
         */
        void increment();

        /**
         * Adds {@code amount}.
         *
         * @param amount a positive amount
         * @since 0.1
         */
        void increment(double amount);

        /**
         * The count so far.
         *
         * @return the count
         * @since 0.1
         */
        double count();
    }

    /**
     * A timer of a {@link PluginMetrics}.
     *
     * @since 0.1
     */
    interface Timer {
        /**
         * Records one event that took {@code duration}.
         *
         * @param duration how long it took
         * @since 0.1
         */
        void record(Duration duration);

        /**
         * How many events were recorded.
         *
         * @return the count
         * @since 0.1
         */
        long count();
    }
}
