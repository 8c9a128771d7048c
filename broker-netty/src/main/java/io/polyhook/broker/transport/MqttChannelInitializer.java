package io.polyhook.broker.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.ssl.SslContext;
import io.polyhook.broker.codec.MqttFrameValidator;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.connection.Connections;
import io.polyhook.broker.session.ByteBudget;

/**
 * The pipeline of one accepted connection: byte count → partial-packet clock → [TLS] → [HTTP +
 * WebSocket upgrade + frame adapters] → packet framing → strict MQTT framing → MQTT codec →
 * CONNECT timeout → the connection's protocol handler, which catches every exception.
 */
final class MqttChannelInitializer extends ChannelInitializer<Channel> {

    /** The subprotocols MQTT clients offer: "mqtt" (3.1.1 and 5) and "mqttv3.1". */
    static final String SUBPROTOCOLS = "mqtt,mqttv3.1,mqttv3.1.1";

    private final ListenerConfig listener;
    private final BrokerSettings settings;
    private final Connections connections;
    private final SslContext ssl;
    private final ChannelGroup channels;
    private final ConnectionLimits limits;
    private final ByteCounter bytes;
    private final WebSocketUpgradeCheck upgradeCheck;
    private final ByteBudget partialBytes;

    MqttChannelInitializer(ListenerConfig listener, BrokerSettings settings, Connections connections, SslContext ssl,
                           ChannelGroup channels, ConnectionLimits limits, ByteCounter bytes, ByteBudget partialBytes) {
        this.partialBytes = partialBytes;
        this.limits = limits;
        this.bytes = bytes;
        this.listener = listener;
        this.settings = settings;
        this.connections = connections;
        this.ssl = ssl;
        this.channels = channels;
        this.upgradeCheck = new WebSocketUpgradeCheck(listener.path());
    }

    @Override
    protected void initChannel(Channel ch) {
        ConnectionLimits.Admission admission = limits.admit(ch);
        if (admission != ConnectionLimits.Admission.ADMITTED) {
            refuse(ch, admission);
            return;
        }
        channels.add(ch);
        addCodecs(ch);
        ch.pipeline().addLast("mqtt", connections.newConnection(listener));
    }

    /**
     * Reads a refused connection up to its CONNECT, within the same connect timeout and maximum
     * packet size as any other, to answer with a CONNACK that says why; the session layer never
     * sees it. It is not among the broker's connections: shutdown closes it with the event loops.
     */
    private void refuse(Channel ch, ConnectionLimits.Admission admission) {
        if (!limits.mayExplainRefusal(ch)) {
            ch.close();
            return;
        }
        addCodecs(ch);
        ch.pipeline().addLast("refusal", new ConnectRefusal(admission == ConnectionLimits.Admission.OVER_PER_IP
                ? "too many connections from this address" : "too many connections"));
    }

    /** The codecs in front of the session handler; package-private for the decoder fuzz test. */
    void addCodecs(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("bytes", bytes);
        PartialPacketGuard partial = new PartialPacketGuard(settings.limits().partialPacketTimeout(), partialBytes);
        p.addLast("partial-arrival", partial.arrival());
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        if (listener.type().isWebSocket()) {
            p.addLast("http", new HttpServerCodec());
            p.addLast("http-aggregator", new HttpObjectAggregator(65_536));
            p.addLast("ws-upgrade-check", upgradeCheck);
            p.addLast("ws-violations", WebSocketViolations.INSTANCE);
            p.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath(listener.path())
                    .subprotocols(SUBPROTOCOLS)
                    .maxFramePayloadLength(settings.maxPacketSize() + 8)
                    // WebSocketViolations answers a violation the MQTT way; the session handler closes.
                    .closeOnProtocolViolation(false)
                    .build()));
            p.addLast("ws-decoder", new WebSocketFrameDecoder());
            p.addLast("ws-encoder", new WebSocketFrameEncoder());
        }
        p.addLast("partial-framing", partial.framing());
        // Strict checks first: Netty's decoder takes what MQTT forbids and may read past a packet's end.
        p.addLast("mqtt-validator", new MqttFrameValidator(settings.maxPacketSize()));
        p.addLast("mqtt-decoder", new MqttDecoder(settings.maxPacketSize()));
        p.addLast("mqtt-encoder", MqttEncoder.INSTANCE);
        p.addLast(ConnectTimeoutHandler.NAME, new ConnectTimeoutHandler(settings.connectTimeout()));
    }
}
