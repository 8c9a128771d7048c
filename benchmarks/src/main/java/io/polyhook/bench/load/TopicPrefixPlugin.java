package io.polyhook.bench.load;

import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.Verdict;

/**
 * The Java {@code auth_on_publish} of the load runs: accepts topics under {@code bench/}. Off
 * unless the broker config says {@code plugins: { TopicPrefixPlugin: { enabled: true } }}, so the
 * benchmarks jar can also run the broker without it.
 */
public final class TopicPrefixPlugin implements Plugin {

    @Override
    public void start(PluginContext context) {
        if (!Boolean.TRUE.equals(context.settings().get("enabled"))) {
            return;
        }
        context.hooks().register(Hooks.AUTH_ON_PUBLISH, pub -> pub.topic().startsWith("bench/") ? Verdict.ok() : Verdict.next());
        context.hooks().register(Hooks.AUTH_ON_PUBLISH_M5, pub -> pub.topic().startsWith("bench/") ? Verdict.ok() : Verdict.next());
    }
}
