package io.polyhook.spi;

/** A registered handler; closing it removes the handler. Closing twice does nothing. */
public interface Registration extends AutoCloseable {

    /** Removes the handler from its hook point. */
    @Override
    void close();
}
