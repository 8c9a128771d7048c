package io.polyhook.core.provider;

/**
 * One function of a {@link DataProvider}, as a script calls it: {@code kv.insert(name, map)}.
 *
 * <p>Implementations are called from many threads at once (every script state of every script
 * shares one provider) and may block: calls run on virtual threads, never on an event loop.
 */
@FunctionalInterface
public interface ProviderFunction {

    /**
     * Runs the function.
     *
     * @param args the arguments the script passed, converted to model values
     * @return the result as a model value (see {@link Values}); {@code null} is {@code nil}
     * @throws ProviderException to raise a script error with its message
     */
    Object call(Arguments args) throws ProviderException;
}
