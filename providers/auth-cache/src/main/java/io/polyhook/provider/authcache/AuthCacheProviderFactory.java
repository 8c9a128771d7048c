package io.polyhook.provider.authcache;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates the {@code auth_cache} library over an {@link AuthCache}.
 *
 * <p>The broker shares one cache between this library (scripts insert) and
 * {@link AuthCachePlugin} (the broker answers from it), so it creates the cache itself and
 * hands it to {@link #AuthCacheProviderFactory(AuthCache)}, which it adds to the provider
 * catalog explicitly. The no-argument constructor, which {@link java.util.ServiceLoader} uses,
 * creates a cache of its own: scripts can insert into and match against it, but no hook is
 * answered from it unless someone installs an {@link AuthCachePlugin} over {@link #cache()}.
 *
 * <p>Config, section {@code providers.auth_cache}: {@code ttl}, a duration such as
 * {@code "10m"} ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}), the default TTL of
 * inserts (none by default). When set, it replaces the cache's default as the catalog starts.
 */
public final class AuthCacheProviderFactory implements ProviderFactory {

    /** The library's name: {@code auth_cache}. */
    public static final String NAME = "auth_cache";

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Set<String> SETTINGS = Set.of("ttl");

    private final AuthCache cache;

    /** A factory over a new cache of its own; for {@link java.util.ServiceLoader}. */
    public AuthCacheProviderFactory() {
        this(new AuthCache());
    }

    /** A factory over {@code cache}, which the broker also answers hooks from. */
    public AuthCacheProviderFactory(AuthCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /** The cache the library inserts into. */
    public AuthCache cache() {
        return cache;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Creates the library; applies {@code providers.auth_cache.ttl} to the cache.
     *
     * @throws IllegalArgumentException if {@code ttl} is not a positive duration
     */
    @Override
    public DataProvider create(ProviderContext context) {
        Map<String, Object> settings = context.defaults();
        Set<String> unknown = new TreeSet<>(settings.keySet());
        unknown.removeAll(SETTINGS);
        if (!unknown.isEmpty()) {
            context.logger().warn("providers.{}: ignoring unknown settings {}", NAME, unknown);
        }
        if (settings.containsKey("ttl")) {
            cache.defaultTtl(duration(settings.get("ttl")));
        }
        return AuthCacheProvider.create(cache, context.logger());
    }

    private static Duration duration(Object value) {
        if (value instanceof String s) {
            Matcher m = DURATION.matcher(s.strip());
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                Duration d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
                if (!d.isZero()) {
                    return d;
                }
            }
        }
        throw new IllegalArgumentException("providers." + NAME + ".ttl: a positive duration such as \"10m\" expected"
                + " (units ms, s, m, h, d), got " + (value instanceof String s ? "'" + s + "'" : String.valueOf(value)));
    }
}
