package io.polyhook.broker.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterConfigTest {

    @Test
    void readsTheContractOfTheIssue() {
        ClusterSettings s = ClusterConfig.parseYaml("""
                cluster:
                  enabled: true
                  node_name: node2
                  bind: "127.0.0.1:7801"
                  seeds: ["127.0.0.1:7800", "127.0.0.1:7801", "127.0.0.1:7802"]
                  data_plane: "127.0.0.1:7901"
                  allow_register_during_netsplit: true
                  allow_subscribe_during_netsplit: false
                  allow_publish_during_netsplit: false
                """);
        assertThat(s.enabled()).isTrue();
        assertThat(s.nodeName()).isEqualTo("node2");
        assertThat(s.bind()).isEqualTo(new ClusterSettings.Endpoint("127.0.0.1", 7801));
        assertThat(s.seeds()).extracting(ClusterSettings.Endpoint::port).containsExactly(7800, 7801, 7802);
        assertThat(s.dataPlane()).isEqualTo(new ClusterSettings.Endpoint("127.0.0.1", 7901));
        assertThat(s.allowRegisterDuringNetsplit()).isTrue();
        assertThat(s.allowSubscribeDuringNetsplit()).isFalse();
        assertThat(s.allowPublishDuringNetsplit()).isFalse();
    }

    @Test
    void withoutTheSectionItIsOneNodeWithTheIssuesDefaults() {
        ClusterSettings s = ClusterConfig.parseYaml("broker: { allow_anonymous: true }\n");
        assertThat(s.enabled()).isFalse();
        assertThat(s.nodeName()).isEqualTo("node1");
        assertThat(s.allowRegisterDuringNetsplit()).isFalse();
        assertThat(s.allowSubscribeDuringNetsplit()).isTrue();
        assertThat(s.allowPublishDuringNetsplit()).isTrue();
    }

    @Test
    void seedsDefaultToTheBindAddress() {
        ClusterSettings s = ClusterConfig.parseYaml("cluster: { enabled: true, bind: \"10.0.0.5:7800\" }");
        assertThat(s.seeds()).containsExactly(new ClusterSettings.Endpoint("10.0.0.5", 7800));
    }

    @Test
    void anIpv6EndpointKeepsItsBrackets() {
        ClusterSettings s = ClusterConfig.parseYaml("cluster: { bind: \"[::1]:7800\" }");
        assertThat(s.bind().host()).isEqualTo("::1");
        assertThat(s.bind()).hasToString("[::1]:7800");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cluster: { enable: true }                         | cluster.enable: unknown key",
            "cluster: { enabled: yes please }                  | cluster.enabled: must be true or false",
            "cluster: { node_name: 'a/b' }                     | cluster.node_name: must be 1-64",
            "cluster: { bind: '127.0.0.1' }                    | cluster.bind: expected host:port",
            "cluster: { bind: '127.0.0.1:70000' }              | cluster.bind: port must be 0..65535",
            "cluster: { seeds: '127.0.0.1:7800' }              | cluster.seeds: must be a list",
            "cluster: { seeds: ['127.0.0.1:7800', 'x'] }       | cluster.seeds[1]: expected host:port",
            "cluster: { data_plane: 7900 }                     | cluster.data_plane: must be a string",
            "cluster: { bind: 'h:7800', data_plane: 'h:7800' } | cluster.data_plane: must differ from cluster.bind",
            "cluster: [1, 2]                                   | cluster: must be a map",
    })
    void aBadValueIsNamedByItsKeyPath(String yaml, String message) {
        assertThatThrownBy(() -> ClusterConfig.parseYaml(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void theBrokersNodeNameIsTheDefault() {
        ClusterSettings s = ClusterConfig.parse(null, "edge-7");
        assertThat(s.nodeName()).isEqualTo("edge-7");
        assertThat(s.seeds()).isEqualTo(List.of(ClusterSettings.DEFAULT.bind()));
    }

    @Test
    void aClusterRunsWithTheDurableStoreOnEachNode() {
        BrokerConfig c = BrokerConfig.parse("cluster: { enabled: true }");
        assertThat(c.cluster().enabled()).isTrue();
        assertThat(c.persistence().enabled()).as("persistence stays on by default in a cluster").isTrue();
    }

    @Test
    void theConfigFileCarriesTheClusterSectionAndItsErrors() {
        BrokerConfig c = BrokerConfig.parse("""
                persistence: { enabled: false }
                cluster:
                  enabled: true
                  node_name: edge-2
                  bind: "127.0.0.1:7802"
                  seeds: ["127.0.0.1:7801", "127.0.0.1:7802"]
                  data_plane: "127.0.0.1:7902"
                  allow_register_during_netsplit: true
                """);
        assertThat(c.cluster().enabled()).isTrue();
        assertThat(c.cluster().nodeName()).isEqualTo("edge-2");
        assertThat(c.cluster().allowRegisterDuringNetsplit()).isTrue();
        assertThat(c.cluster().allowSubscribeDuringNetsplit()).isTrue();
        assertThat(c.broker().nodeName()).as("$SYS/<node>/ names the cluster node").isEqualTo("edge-2");
        assertThatThrownBy(() -> BrokerConfig.parse("cluster: { enabeld: true }"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("cluster.enabeld: unknown key");
    }

    @Test
    void withoutTheSectionTheBrokerIsOneNodeNamedAsItsSysTopics() {
        BrokerConfig c = BrokerConfig.parse("broker: { node_name: edge-9 }\n");
        assertThat(c.cluster().enabled()).isFalse();
        assertThat(c.cluster().nodeName()).isEqualTo("edge-9");
        assertThat(BrokerConfig.defaults().cluster().enabled()).isFalse();
    }
}
