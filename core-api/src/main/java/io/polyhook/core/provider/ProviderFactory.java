package io.polyhook.core.provider;

/**
 * Creates a {@link DataProvider} when the broker starts. Found with {@link java.util.ServiceLoader}:
 * a jar adds a provider by listing its factory in
 * {@code META-INF/services/io.polyhook.core.provider.ProviderFactory}, so it needs a public
 * no-argument constructor.
 */
public interface ProviderFactory {

    /**
     * The name of the provider this factory creates, which is also the global scripts see
     * and the {@code providers.<name>} section of the broker config it reads. Unique among all
     * factories.
     */
    String name();

    /**
     * Creates the provider, once per broker. Whatever it throws stops the broker from starting,
     * with the exception's class and message in the error, so <strong>the message must not
     * hold a password</strong>.
     *
     * @return a provider whose {@link DataProvider#name()} is {@link #name()}
     */
    DataProvider create(ProviderContext context) throws Exception;
}
