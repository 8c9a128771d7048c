package com.example.jsonguard;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.PackageVersion;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Plugin;
import io.polyhook.spi.PluginContext;
import io.polyhook.spi.PluginMetrics;
import io.polyhook.spi.Publication;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.ReasonCode;
import io.polyhook.spi.Verdict;

import java.io.IOException;

/**
 * Refuses messages to {@code json/...} (the {@code prefix} setting) whose payload is not JSON,
 * with reason code 0x99 (payload format invalid). On start it publishes, retained, the version of
 * jackson-core it runs with: its own, whatever the broker's is.
 */
public final class JsonGuard implements Plugin {

    private static final JsonFactory JSON = new JsonFactory();

    private String prefix;
    private PluginMetrics.Counter refused;

    @Override
    public String name() {
        return "json-guard";
    }

    @Override
    public void start(PluginContext context) {
        prefix = (String) context.settings().getOrDefault("prefix", "json/");
        refused = context.metrics().counter("refused", "messages refused because their payload is not JSON");
        context.hooks().register(Hooks.AUTH_ON_PUBLISH, this::check);
        context.hooks().register(Hooks.AUTH_ON_PUBLISH_M5, this::check);
        context.broker().publish(Publication.builder("plugins/json-guard/info",
                Bytes.utf8("jackson-core " + PackageVersion.VERSION)).retain(true).build());
        context.logger().log(System.Logger.Level.INFO, "guarding {0}# with jackson-core {1}", prefix, PackageVersion.VERSION);
    }

    private Verdict<PublishModifiers> check(PublishContext pub) {
        if (!pub.topic().startsWith(prefix)) {
            return Verdict.next();
        }
        if (isJson(pub.payload().toByteArray())) {
            return Verdict.next();
        }
        refused.increment();
        return Verdict.deny(ReasonCode.PAYLOAD_FORMAT_INVALID, "payload is not JSON");
    }

    static boolean isJson(byte[] payload) {
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
