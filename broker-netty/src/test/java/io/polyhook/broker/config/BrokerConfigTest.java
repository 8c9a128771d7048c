package io.polyhook.broker.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrokerConfigTest {

    @Test
    void withoutAFileTheBrokerListensOnLoopbackOnlyAndAdmitsAnonymousClients() {
        BrokerConfig c = BrokerConfig.defaults();
        assertThat(c.listeners()).extracting(ListenerConfig::type, ListenerConfig::host, ListenerConfig::port,
                        ListenerConfig::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ListenerConfig.Kind.TCP, "127.0.0.1", 1883, "/mqtt"),
                        org.assertj.core.groups.Tuple.tuple(ListenerConfig.Kind.WS, "127.0.0.1", 8000, "/mqtt"));
        assertThat(c.broker().allowAnonymous()).isTrue();
        assertThat(c.broker().noMatch()).isEqualTo(NoMatch.DENY_WHEN_HANDLED);
        assertThat(c.scripts().dir()).isEqualTo("scripts");
        assertThat(c.scripts().hookTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aScriptThatDoesNotSetNumStatesGetsOneStateAsInVmqDiversity() {
        assertThat(BrokerConfig.defaults().scripts().states()).isEqualTo(1);
        assertThat(BrokerConfig.parse("scripts: { dir: scripts }").scripts().states()).isEqualTo(1);
        assertThat(BrokerConfig.parse("scripts: { states: 4 }").scripts().states()).isEqualTo(4);
    }

    @Test
    void anEmptyFileRefusesAnonymousClientsAndKeepsTheOtherDefaults() {
        assertThat(BrokerConfig.parse("")).isEqualTo(BrokerConfig.defaults()
                .withBroker(BrokerConfig.defaults().broker().withAllowAnonymous(false)));
    }

    @Test
    void aFileWithoutABrokerSectionRefusesAnonymousClients() {
        BrokerConfig c = BrokerConfig.parse("""
                listeners: [{ type: tcp, address: "0.0.0.0:1883" }]
                """);
        assertThat(c.broker().allowAnonymous()).isFalse();
        assertThat(c.broker().noMatch()).isEqualTo(NoMatch.DENY_WHEN_HANDLED);
    }

    @Test
    void aFileWithoutListenersListensOnLoopbackOnly() {
        BrokerConfig c = BrokerConfig.parse("""
                broker: { allow_anonymous: true }
                """);
        assertThat(c.broker().allowAnonymous()).isTrue();
        assertThat(c.listeners()).extracting(ListenerConfig::host).containsOnly("127.0.0.1");
    }

    @ParameterizedTest(name = "no_match: {0}")
    @CsvSource(delimiter = '|', textBlock = """
            allow | ALLOW
            deny  | DENY
            """)
    void noMatchKeepsItsTwoValues(String value, NoMatch expected) {
        assertThat(BrokerConfig.parse("broker: { no_match: " + value + " }").broker().noMatch()).isEqualTo(expected);
    }

    @Test
    void designDocumentExampleParses() {
        BrokerConfig c = BrokerConfig.parse("""
                broker:
                  allow_anonymous: false
                  no_match: deny
                listeners:
                  - { type: tcp, address: "127.0.0.1:1883" }
                  - { type: ws,  address: "127.0.0.1:8000", path: /mqtt, mountpoint: site1, allow_anonymous: true }
                scripts:
                  dir: scripts
                  files: [extra/a.lua]
                  states: 4
                  hook_timeout: 500ms
                providers:
                  postgres: { host: localhost, port: 5432, user: postgres, password: "", database: polyhook, pool_size: 5 }
                  redis:    { host: localhost, port: 6379, database: 0, pool_size: 5 }
                auth:
                  postgres: { enabled: false, password_hash_method: crypt }
                admin:
                  address: "127.0.0.1:8888"
                """);
        assertThat(c.broker().allowAnonymous()).isFalse();
        assertThat(c.broker().noMatch()).isEqualTo(NoMatch.DENY);
        assertThat(c.listeners()).hasSize(2);
        assertThat(c.listeners().get(1).mountpoint()).isEqualTo("site1");
        assertThat(c.listeners().get(1).allowAnonymous()).contains(true);
        assertThat(c.listeners().get(0).host()).isEqualTo("127.0.0.1");
        assertThat(c.scripts().files()).containsExactly("extra/a.lua");
        assertThat(c.scripts().hookTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.providers().get("postgres")).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) c.providers().get("postgres")).get("port")).isEqualTo(5432L);
        assertThat(c.adminHost()).contains("127.0.0.1");
        assertThat(c.adminPort()).isEqualTo(8888);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            listeners: [{ type: udp, address: "127.0.0.1:1" }]          | listeners[0].type: unknown listener type "udp" (expected tcp, ws, tls, wss)
            listeners: [{ type: tcp }]                                  | listeners[0].address: is required
            listeners: [{ type: tcp, address: "localhost" }]            | listeners[0].address: must be "host:port"
            listeners: [{ type: tcp, address: "h:70000" }]              | listeners[0].address: must be "host:port"
            listeners: [{ type: tcp, address: "h:1", path: /x }]        | listeners[0].path: is only for ws and wss listeners
            listeners: [{ type: ws, address: "h:1", path: x }]          | listeners[0].path: must start with "/"
            listeners: [{ type: tls, address: "h:1" }]                  | listeners[0].certfile: is required for a tls listener
            listeners: [{ type: tcp, address: "h:1", colour: red }]     | listeners[0].colour: unknown key
            listeners: { type: tcp }                                    | listeners: must be a list
            broker: { no_match: maybe }                                 | broker.no_match: unknown value "maybe" (expected allow, deny)
            broker: { allow_anonymous: "yes" }                          | broker.allow_anonymous: must be true or false
            broker: { max_packet_size: -1 }                             | broker.max_packet_size: must be an integer
            brokr: {}                                                   | brokr: unknown key
            scripts: { hook_timeout: 5 }                                | scripts.hook_timeout: must be a duration
            scripts: { hook_timeout: "5 parsecs" }                      | scripts.hook_timeout: must be a duration
            scripts: { hook_timeout: "0s" }                             | scripts.hook_timeout: must be positive
            scripts: { states: 0 }                                      | scripts.states: must be an integer 1..1024
            scripts: { files: a.lua }                                   | scripts.files: must be a list
            providers: { postgres: 5 }                                  | providers.postgres: must be a map
            admin: { address: "nowhere" }                               | admin.address: must be "host:port"
            broker: { max_connections: -1 }                             | broker.max_connections: must be an integer 0..
            broker: { receive_maximum: 0 }                              | broker.receive_maximum: must be an integer 1..65535
            broker: { persistent_session_expiry: soon }                 | broker.persistent_session_expiry: must be "never" or a duration
            broker: { sys_interval: 0s }                                | broker.sys_interval: must be "off" or a duration
            broker: { node_name: "a/b" }                                | broker.node_name: must be one non-empty topic level
            broker: { slow_consumer_policy: kick }                      | broker.slow_consumer_policy: unknown value "kick" (expected drop, disconnect)
            broker: { slow_consumer_max_delay: 5 }                      | broker.slow_consumer_max_delay: must be "off" or a duration
            broker: { shared_subscription_policy: round_robin }         | broker.shared_subscription_policy: unknown value "round_robin"
            broker: { max_msgs_per_drain_step: 0 }                      | broker.max_msgs_per_drain_step: must be an integer 1..1000000
            broker: { max_drain_time: later }                           | broker.max_drain_time: must be "off" or a duration
            broker: { max_keepalive: 0 }                                | broker.max_keepalive: must be an integer 1..65535
            scripts: { timeout_fallback: maybe }                        | scripts.timeout_fallback: must be deny or next, was maybe
            scripts: { hooks: { auth_on_nothing: { timeout: 1s } } }    | scripts.hooks.auth_on_nothing: unknown hook point
            scripts: { hooks: { on_deliver: { fallback: allow } } }     | scripts.hooks.on_deliver.fallback: must be deny or next, was allow
            auth: { oracle: { enabled: true } }                         | auth.oracle: unknown database (expected one of postgres, cockroachdb, mysql, mysql2, mongodb, redis)
            auth: { postgres: { enabled: "yes" } }                      | auth.postgres.enabled: must be true or false, was yes
            auth: { postgres: { unknown_user: allow } }                 | auth.postgres.unknown_user: must be next or deny, was allow
            auth: { postgres: { password_hash_method: md5 } }           | auth.postgres.password_hash_method: must be one of [bcrypt, crypt], was md5
            auth: { redis: { enable: true } }                           | auth.redis.enable: unknown key (expected [enabled, password_hash_method, script, unknown_user])
            listeners: []                                               | listeners: is empty, so no client could connect
            scripts: { on_load_error: ignore }                          | scripts.on_load_error: unknown value "ignore" (expected fail, warn)
            logging: { format: xml }                                    | logging.format: unknown value "xml" (expected text, json)
            logging: { level: { io.polyhook: loud } }                   | logging.level.io.polyhook: unknown level "loud"
            logging: { level: debug }                                   | logging.level: must be a map of logger name to level
            logging: { colour: red }                                    | logging.colour: unknown key
            """)
    void badValueNamesTheKeyAndTheReason(String yaml, String expected) {
        assertThatThrownBy(() -> BrokerConfig.parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(expected.strip());
    }

    @Test
    void timeoutFallbacksParseGloballyAndPerHook() {
        BrokerConfig c = BrokerConfig.parse("""
                scripts:
                  hook_timeout: 2s
                  timeout_fallback: next
                  hooks:
                    auth_on_register: { timeout: 500ms, fallback: deny }
                """);

        assertThat(c.scripts().timeoutFallback()).isEqualTo(io.polyhook.core.hook.TimeoutFallback.NEXT);
        assertThat(c.scripts().hooks().get("auth_on_register")).isEqualTo(new ScriptsConfig.HookPolicy(
                java.time.Duration.ofMillis(500), io.polyhook.core.hook.TimeoutFallback.DENY));
    }

    @Test
    void invalidYamlSaysSo() {
        assertThatThrownBy(() -> BrokerConfig.parse("broker: [unclosed"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("not valid YAML");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> BrokerConfig.load(Path.of("/nonexistent/polyhook.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/nonexistent/polyhook.yaml");
    }

    @Test
    void ipv6AddressesAreAccepted() {
        BrokerConfig c = BrokerConfig.parse("listeners: [{ type: tcp, address: \"[::1]:1883\" }]");
        assertThat(c.listeners().get(0).host()).isEqualTo("::1");
        assertThat(c.listeners().get(0).address()).isEqualTo("[::1]:1883");
    }

    @Test
    void pluginSettingsAreHandedOutByName() {
        BrokerConfig c = BrokerConfig.parse("plugins: { Acl: { deny: [a, b] } }");
        assertThat(c.pluginSettings("Acl")).containsKey("deny");
        assertThat(c.pluginSettings("Other")).isEmpty();
    }

    @Test
    void thePluginsFolderResolvesAgainstTheConfigFilesFolder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path etc = java.nio.file.Files.createDirectories(dir.resolve("etc"));
        java.nio.file.Path set = java.nio.file.Files.writeString(etc.resolve("set.yaml"),
                "plugins: { dir: ../ext, Acl: { deny: [a] } }");
        java.nio.file.Path unset = java.nio.file.Files.writeString(etc.resolve("unset.yaml"), "broker: {}");

        assertThat(BrokerConfig.load(set).pluginsDir()).isEqualTo(dir.resolve("ext"));
        assertThat(BrokerConfig.load(set).pluginSections()).containsExactly("Acl");
        assertThat(BrokerConfig.load(unset).pluginsDir()).isEqualTo(etc.resolve("plugins"));
        assertThat(BrokerConfig.parse("broker: {}").pluginsDir()).isEqualTo(java.nio.file.Path.of("plugins"));
    }

    @Test
    void thePluginsFolderMustBeAString() {
        assertThatThrownBy(() -> BrokerConfig.parse("plugins: { dir: [a] }"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("plugins.dir:");
    }

    @Test
    void limitsSessionExpiryAndSysKeysParse() {
        BrokerSettings b = BrokerConfig.parse("""
                broker:
                  max_connections: 1000
                  max_connections_per_ip: 10
                  receive_maximum: 20
                  topic_alias_maximum: 0
                  persistent_session_expiry: 2h
                  sys_interval: 30s
                  node_name: edge1
                """).broker();
        assertThat(b.maxConnections()).isEqualTo(1000);
        assertThat(b.maxConnectionsPerIp()).isEqualTo(10);
        assertThat(b.receiveMaximum()).isEqualTo(20);
        assertThat(b.topicAliasMaximum()).isZero();
        assertThat(b.persistentSessionExpiry()).isEqualTo(7200);
        assertThat(b.sysInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.nodeName()).isEqualTo("edge1");
    }

    @Test
    void maxKeepaliveParsesAndIsNoLimitByDefault() {
        assertThat(BrokerConfig.parse("broker: { max_keepalive: 60 }").broker().maxKeepalive()).isEqualTo(60);
        assertThat(BrokerConfig.parse("").broker().maxKeepalive()).isEqualTo(BrokerSettings.NO_KEEPALIVE_LIMIT);
    }

    @Test
    void mqtt3PersistentSessionsExpireAfterADayByDefaultAndNeverOnlyWhenAskedTo() {
        assertThat(BrokerConfig.defaults().broker().persistentSessionExpiry()).isEqualTo(24 * 3600);
        assertThat(BrokerConfig.parse("broker: { node_name: n }").broker().persistentSessionExpiry()).isEqualTo(24 * 3600);
        assertThat(BrokerConfig.parse("broker: { persistent_session_expiry: never, sys_interval: \"off\" }").broker())
                .satisfies(b -> {
                    assertThat(b.persistentSessionExpiry()).isEqualTo(BrokerSettings.NEVER);
                    assertThat(b.sysInterval()).isZero();
                });
    }

    @Test
    void deliveryKeysParseAndDefaultToTodaysBehaviour() {
        assertThat(BrokerConfig.defaults().broker().delivery()).isEqualTo(DeliverySettings.DEFAULT);
        BrokerSettings b = BrokerConfig.parse("""
                broker:
                  slow_consumer_policy: disconnect
                  slow_consumer_max_delay: 30s
                  shared_subscription_policy: prefer_online_before_local
                  max_msgs_per_drain_step: 500
                  max_drain_time: 2m
                """).broker();
        assertThat(b.delivery()).isEqualTo(new DeliverySettings(DeliverySettings.SlowConsumerPolicy.DISCONNECT,
                Duration.ofSeconds(30), io.polyhook.spi.SharedSubscriptionPolicy.PREFER_ONLINE_BEFORE_LOCAL, 500,
                Duration.ofMinutes(2)));
        assertThat(BrokerConfig.parse("broker: { max_drain_time: \"off\", slow_consumer_max_delay: \"off\" }")
                .broker().delivery()).isEqualTo(DeliverySettings.DEFAULT);
    }

    @Test
    void everyResourceLimitHasABoundedDefault() {
        ResourceLimits d = BrokerConfig.defaults().broker().limits();
        long heap = Runtime.getRuntime().maxMemory();
        assertThat(d.maxOfflineBytes()).isEqualTo(16L << 20);
        assertThat(d.maxOnlineBytes()).isEqualTo(16L << 20);
        assertThat(d.maxTotalQueuedBytes()).isEqualTo(heap / 100 * 25);
        assertThat(d.maxSubscriptionsPerClient()).isEqualTo(1000);
        assertThat(d.maxRetainedMessages()).isEqualTo(100_000);
        assertThat(d.maxRetainedBytes()).isEqualTo(heap / 100 * 10);
        assertThat(d.partialPacketTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.maxTotalPartialBytes()).isEqualTo(heap / 100 * 10);
    }

    @Test
    void resourceLimitsParseWithByteUnitsAndShares() {
        ResourceLimits l = BrokerConfig.parse("""
                broker:
                  max_offline_bytes: 1048576
                  max_online_bytes: 512KiB
                  max_total_queued_bytes: 2GiB
                  max_subscriptions_per_client: 50
                  max_retained_messages: 10
                  max_retained_bytes: 3MiB
                  partial_packet_timeout: 5s
                  max_total_partial_bytes: 50%
                """).broker().limits();
        assertThat(l).isEqualTo(new ResourceLimits(1 << 20, 512 << 10, 2L << 30, 50, 10, 3 << 20, Duration.ofSeconds(5),
                Runtime.getRuntime().maxMemory() / 100 * 50));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "max_offline_bytes: 0            | broker.max_offline_bytes",
            "max_offline_bytes: 16MB         | broker.max_offline_bytes",
            "max_total_queued_bytes: 120%    | broker.max_total_queued_bytes",
            "max_retained_bytes: -1          | broker.max_retained_bytes",
            "max_subscriptions_per_client: 0 | broker.max_subscriptions_per_client",
            "partial_packet_timeout: never   | broker.partial_packet_timeout",
    })
    void aBadLimitStopsTheStartNamingTheKey(String entry, String key) {
        assertThatThrownBy(() -> BrokerConfig.parse("broker: { " + entry + " }"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(key);
    }

    @Test
    void tlsListenersDefaultToTls13And12WithAeadSuitesOnly() {
        TlsSettings d = BrokerConfig.parse("""
                listeners: [ { type: tls, address: "127.0.0.1:8883", certfile: c.pem, keyfile: k.pem } ]
                """).listeners().get(0).tls();
        assertThat(d).isEqualTo(TlsSettings.DEFAULT);
        assertThat(d.versions()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(d.ciphers()).allMatch(c -> c.contains("_GCM_") || c.contains("CHACHA20_POLY1305"))
                .noneMatch(c -> c.contains("CBC") || c.endsWith("_SHA"));
    }

    @Test
    void tlsVersionsAndCiphersAreConfigurablePerListenerAndChecked() {
        ListenerConfig l = BrokerConfig.parse("""
                listeners:
                  - { type: wss, address: "127.0.0.1:8884", certfile: c.pem, keyfile: k.pem,
                      tls_versions: [TLSv1.3], ciphers: [TLS_AES_256_GCM_SHA384] }
                """).listeners().get(0);
        assertThat(l.tls()).isEqualTo(new TlsSettings(java.util.List.of("TLSv1.3"), java.util.List.of("TLS_AES_256_GCM_SHA384")));
        assertThatThrownBy(() -> BrokerConfig.parse("""
                listeners: [ { type: tls, address: "127.0.0.1:1", certfile: c, keyfile: k, tls_versions: [TLSv1.1] } ]
                """)).hasMessageStartingWith("listeners[0].tls_versions").hasMessageContaining("TLSv1.1");
        assertThatThrownBy(() -> BrokerConfig.parse("""
                listeners: [ { type: tls, address: "127.0.0.1:1", certfile: c, keyfile: k, ciphers: [TLS_NO_SUCH_SUITE] } ]
                """)).hasMessageStartingWith("listeners[0].ciphers").hasMessageContaining("TLS_NO_SUCH_SUITE");
        assertThatThrownBy(() -> BrokerConfig.parse("""
                listeners: [ { type: tcp, address: "127.0.0.1:1", ciphers: [TLS_AES_256_GCM_SHA384] } ]
                """)).hasMessageStartingWith("listeners[0].ciphers");
    }

    @Test
    void theAdminTokenParsesAndIsNeverShown() {
        String secret = "s3cret-token-0123456789";
        BrokerConfig c = BrokerConfig.parse("admin: { address: \"127.0.0.1:8888\", token: " + secret + " }");
        assertThat(c.adminToken()).isPresent();
        assertThat(c.adminToken().get().admits("Bearer " + secret)).isTrue();
        assertThat(c.adminToken().get().admits("Bearer " + secret + "x")).isFalse();
        assertThat(c.adminToken().get().admits(null)).isFalse();
        assertThat(c.toString()).doesNotContain(secret);
        assertThatThrownBy(() -> BrokerConfig.parse("admin: { token: short-secret }"))
                .hasMessageStartingWith("admin.token").hasMessageNotContaining("short-secret");
    }

    @Test
    void pathsInAConfigFileResolveAgainstTheFilesFolderNotTheWorkingFolder(@TempDir Path tmp) throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("install").resolve("conf"));
        Path file = Files.writeString(conf.resolve("polyhook.yaml"), """
                listeners: [{ type: tls, address: "127.0.0.1:0", certfile: tls/cert.pem, keyfile: /etc/key.pem }]
                scripts: { dir: ../scripts, files: [extra/a.lua, /opt/b.lua] }
                auth: { redis: { enabled: true, script: my_redis.lua } }
                logging: { config: logback.xml }
                """);

        BrokerConfig c = BrokerConfig.load(file);

        Path install = conf.getParent();
        assertThat(c.scripts().dir()).isEqualTo(install.resolve("scripts").toString());
        assertThat(c.scripts().files()).containsExactly(conf.resolve("extra/a.lua").toString(), "/opt/b.lua");
        assertThat(c.listeners().getFirst().certFile()).contains(conf.resolve("tls/cert.pem").toString());
        assertThat(c.listeners().getFirst().keyFile()).contains("/etc/key.pem");
        assertThat(((Map<?, ?>) c.auth().get("redis")).get("script")).isEqualTo(conf.resolve("my_redis.lua").toString());
        assertThat(c.logging().config()).contains(conf.resolve("logback.xml").toString());
    }

    @Test
    void theDefaultScriptsFolderOfAConfigFileIsNextToIt(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("polyhook.yaml"), "broker: { allow_anonymous: true }\n");
        assertThat(BrokerConfig.load(file).scripts().dir()).isEqualTo(tmp.resolve("scripts").toString());
        Path empty = Files.writeString(tmp.resolve("empty.yaml"), "");
        assertThat(BrokerConfig.load(empty).scripts().dir()).isEqualTo(tmp.resolve("scripts").toString());
    }

    @Test
    void textWithoutAFileKeepsPathsAsWritten() {
        BrokerConfig c = BrokerConfig.parse("scripts: { dir: s, files: [a.lua] }");
        assertThat(c.scripts().dir()).isEqualTo("s");
        assertThat(c.scripts().files()).containsExactly("a.lua");
    }

    @Test
    void thePublicBrokerExampleFindsItsScriptsFromAnyWorkingFolder() {
        BrokerConfig c = BrokerConfig.load(Path.of("..", "examples", "public-broker", "polyhook.yaml"));
        assertThat(Path.of(c.scripts().files().getFirst())).isRegularFile().hasFileName("public_broker.lua");
        assertThat(Path.of(c.scripts().dir()).resolve("log_connections.lua")).isRegularFile();
    }

    @Test
    void aScriptThatFailsToLoadStopsTheStartUnlessOnLoadErrorSaysWarn() {
        assertThat(BrokerConfig.parse("").scripts().onLoadError()).isEqualTo(OnLoadError.FAIL);
        assertThat(BrokerConfig.defaults().scripts().onLoadError()).isEqualTo(OnLoadError.FAIL);
        assertThat(BrokerConfig.parse("scripts: { on_load_error: warn }").scripts().onLoadError()).isEqualTo(OnLoadError.WARN);
    }

    @Test
    void loggingTakesAFormatAConfigFileAndLevelsPerLogger() {
        assertThat(BrokerConfig.parse("").logging()).isEqualTo(LoggingConfig.DEFAULT);
        LoggingConfig l = BrokerConfig.parse("""
                logging:
                  format: json
                  level: { root: WARN, io.polyhook.broker.logging: info }
                """).logging();
        assertThat(l.format()).isEqualTo(LoggingConfig.Format.JSON);
        assertThat(l.config()).isEmpty();
        assertThat(l.levels()).containsExactly(Map.entry("root", "warn"), Map.entry("io.polyhook.broker.logging", "info"));
    }
}
