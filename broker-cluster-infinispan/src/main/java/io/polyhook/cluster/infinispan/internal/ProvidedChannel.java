package io.polyhook.cluster.infinispan.internal;

import org.infinispan.remoting.transport.jgroups.JGroupsChannelConfigurator;
import org.jgroups.JChannel;
import org.jgroups.conf.ProtocolConfiguration;
import org.jgroups.util.SocketFactory;

import javax.sql.DataSource;
import java.util.List;

/** Hands Infinispan's transport the channel built by {@link JGroupsStack} instead of one of its stack files. */
public record ProvidedChannel(JChannel channel) implements JGroupsChannelConfigurator {

    @Override
    public String getName() {
        return "polyhook-tcp";
    }

    @Override
    public JChannel createChannel(String name) {
        return channel;
    }

    @Override
    public void setSocketFactory(SocketFactory socketFactory) {
    }

    @Override
    public void setDataSource(DataSource dataSource) {
    }

    @Override
    public String getProtocolStackString() {
        return channel.getProtocolStack().printProtocolSpecAsXML();
    }

    @Override
    public List<ProtocolConfiguration> getProtocolStack() {
        return List.of();
    }
}
