package io.polyhook.spi;

/**
 * A registered handler; closing it removes the handler. Closing twice does nothing.
 *
 * @since 0.1
 */
public interface Registration extends AutoCloseable {

    /**
     * Removes the handler from its hook point.
     *
     * @since 0.1
     */
    @Override
    void close();
}
