package io.polyhook.broker.connection;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.polyhook.broker.codec.Packets;
import io.polyhook.broker.codec.PropertyMapping;
import io.polyhook.broker.hookbridge.ReasonCodes;
import io.polyhook.broker.hookbridge.Refusal;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.spi.AuthContext;
import io.polyhook.spi.AuthModifiers;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttProperties;

import java.util.Optional;

/**
 * MQTT 5 enhanced authentication (§4.12) through {@code on_auth_m5}: the exchange of AUTH packets
 * a CONNECT with an authentication method starts (then the CONNECT goes on to
 * {@code auth_on_register_m5}, as in VerneMQ), and re-authentication of a connected client. The
 * whole CONNECT exchange runs within {@code broker.connect_timeout} (the transport's timer stays
 * until the CONNACK).
 */
final class EnhancedAuth {

    private final Connection c;
    private final String method;
    private Optional<Bytes> response = Optional.empty();
    // What comes after a successful CONNECT exchange; null once it ran.
    private Runnable afterConnect;

    EnhancedAuth(Connection connection, String method) {
        this.c = connection;
        this.method = method;
    }

    /** The authentication method of the exchange. */
    String method() {
        return method;
    }

    /** The authentication data of the last successful step, for the CONNACK. */
    Optional<Bytes> response() {
        return response;
    }

    /** The CONNECT's step; {@code then} runs once a handler accepted. */
    void start(MqttProperties connect, Runnable then) {
        afterConnect = then;
        step(authProperties(connect), false);
    }

    /** An AUTH packet from the client. */
    void received(MqttMessage m) {
        if (!c.isMqtt5() || !(m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader vh)) {
            c.protocolError("AUTH without enhanced authentication");
            return;
        }
        MqttProperties props;
        try {
            props = PropertyMapping.fromWire(vh.properties());
        } catch (IllegalArgumentException e) {
            c.protocolError("invalid AUTH properties");
            return;
        }
        if (!props.authenticationMethod().map(method::equals).orElse(false)) {
            c.protocolError("AUTH with another authentication method");
            return;
        }
        int reason = vh.reasonCode() & 0xFF;
        ConnectionState state = c.state();
        if (state.isAuthenticating() && reason == Packets.CONTINUE_AUTHENTICATION) {
            step(authProperties(props), state.isConnected());
        } else if (state == ConnectionState.CONNECTED && reason == Packets.REAUTHENTICATE) {
            step(authProperties(props), true);
        } else {
            c.protocolError("unexpected AUTH reason 0x" + Integer.toHexString(reason));
        }
    }

    private static MqttProperties authProperties(MqttProperties p) {
        MqttProperties.Builder b = MqttProperties.builder();
        p.authenticationMethod().ifPresent(b::authenticationMethod);
        p.authenticationData().ifPresent(b::authenticationData);
        return b.build();
    }

    /** One step of on_auth_m5, for the CONNECT exchange or a re-authentication of a connected client. */
    private void step(MqttProperties authProps, boolean reauth) {
        AuthContext ac = new AuthContext(c.mountpoint, c.clientId, c.username, authProps);
        c.sequencer.await(c.services.dispatcher.chain(c.lane, Hooks.ON_AUTH_M5, ac), outcome -> {
            switch (outcome) {
                case ChainOutcome.Allowed<AuthModifiers> ok -> accepted(ok.modifiers().orElse(AuthModifiers.success(null)),
                        reauth);
                case ChainOutcome.Denied<AuthModifiers> denied -> {
                    Refusal refusal = ReasonCodes.ofDenied(denied);
                    if (reauth) {
                        c.disconnect(refusal, "re-authentication denied");
                    } else {
                        c.refuse(ReasonCodes.connAck5(refusal.reasonCode()), "enhanced authentication denied",
                                c.problems.reasonString(refusal.reasonString(), true, 2));
                    }
                }
                default -> {
                    if (reauth) {
                        c.disconnect(Packets.BAD_AUTHENTICATION_METHOD, "no on_auth_m5 handler decided");
                    } else {
                        c.refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD,
                                "no on_auth_m5 handler decided");
                    }
                }
            }
        });
    }

    private void accepted(AuthModifiers mods, boolean reauth) {
        String next = mods.authenticationMethod().orElse(method);
        if (mods.step() == AuthModifiers.Step.CONTINUE_AUTHENTICATION) {
            c.state(reauth ? ConnectionState.REAUTHENTICATING : ConnectionState.AUTHENTICATING);
            c.send(Packets.auth(Packets.CONTINUE_AUTHENTICATION, next, mods.authenticationData()));
            return;
        }
        if (reauth) {
            c.state(ConnectionState.CONNECTED);
            c.send(Packets.auth(Packets.SUCCESS, next, mods.authenticationData()));
            return;
        }
        c.state(ConnectionState.CONNECTING);
        response = mods.authenticationData();
        Runnable then = afterConnect;
        afterConnect = null;
        then.run();
    }
}
