package io.polyhook.core.provider;

/**
 * A provider factory listed in this module's test {@code META-INF/services}, to show that the
 * catalog finds factories with {@link java.util.ServiceLoader}. Its provider {@code test_echo}
 * returns its first argument, and reports its defaults.
 */
public final class EchoProviderFactory implements ProviderFactory {

    /** The provider's name; prefixed so it cannot clash with a real provider. */
    public static final String NAME = "test_echo";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DataProvider create(ProviderContext context) {
        return DataProvider.builder(NAME)
                .function("echo", args -> args.get(1))
                .function("defaults", args -> context.defaults())
                .build();
    }
}
