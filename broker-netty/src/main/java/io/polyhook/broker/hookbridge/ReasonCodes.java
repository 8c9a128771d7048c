package io.polyhook.broker.hookbridge;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.polyhook.broker.config.NoMatch;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.spi.ReasonCode;

import java.util.Set;

/**
 * The one mapping from a chain's {@link ChainOutcome} to what the client is told: a
 * {@link Refusal} (or none), then fitted to the reason codes the carrying packet allows (MQTT 5
 * §3.2.2.2, §3.4.2.1, §3.9.3) or to the nearest MQTT 3 return code.
 */
public final class ReasonCodes {

    /** The reason codes the broker itself uses. */
    public static final int SUCCESS = 0x00;
    public static final int UNSPECIFIED_ERROR = 0x80;
    public static final int BAD_USER_NAME_OR_PASSWORD = 0x86;
    public static final int NOT_AUTHORIZED = 0x87;

    private static final Set<Integer> CONNACK = Set.of(0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
            0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F);
    private static final Set<Integer> PUBACK = Set.of(0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
    private static final Set<Integer> SUBACK = Set.of(0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2);
    private static final Refusal NOT_AUTHORIZED_REFUSAL = Refusal.of(NOT_AUTHORIZED);

    private ReasonCodes() {
    }

    /**
     * {@code auth_on_register[_m5]}: null when a handler admitted the client. A plain deny is
     * vmq_diversity's "false", bad user name or password (0x86); a deny for any other cause (a
     * failed or late handler), an exhausted chain and a failed one are "not authorized".
     */
    public static Refusal ofRegister(ChainOutcome<?> outcome) {
        return switch (outcome) {
            case ChainOutcome.Allowed<?> ok -> null;
            case ChainOutcome.Denied<?> denied -> new Refusal(denied.cause() == ChainOutcome.Cause.VERDICT
                    ? denied.reasonCode().map(ReasonCode::code).orElse(BAD_USER_NAME_OR_PASSWORD) : NOT_AUTHORIZED,
                    denied.reasonString());
            default -> NOT_AUTHORIZED_REFUSAL;
        };
    }

    /**
     * {@code auth_on_publish[_m5]} and {@code auth_on_subscribe[_m5]}: null when allowed. An
     * exhausted chain follows {@code broker.no_match}; a deny carries the handler's code (0x87
     * by default) and reason string; a failed chain is not authorized.
     */
    public static Refusal ofAuthorization(ChainOutcome<?> outcome, NoMatch noMatch) {
        return switch (outcome) {
            case ChainOutcome.Allowed<?> ok -> null;
            case ChainOutcome.Exhausted<?> ex -> noMatch.allows(ex) ? null : NOT_AUTHORIZED_REFUSAL;
            case ChainOutcome.Denied<?> denied -> ofDenied(denied);
            case ChainOutcome.Failed<?> failed -> NOT_AUTHORIZED_REFUSAL;
        };
    }

    /** A deny as the handler gave it: its code (0x87 by default) and reason string. */
    public static Refusal ofDenied(ChainOutcome.Denied<?> denied) {
        return new Refusal(denied.reasonCode().map(ReasonCode::code).orElse(NOT_AUTHORIZED), denied.reasonString());
    }

    /** The MQTT 5 CONNACK code for {@code code}: itself where CONNACK allows it, else 0x86. */
    public static MqttConnectReturnCode connAck5(int code) {
        return MqttConnectReturnCode.valueOf((byte) (CONNACK.contains(code) ? code : BAD_USER_NAME_OR_PASSWORD));
    }

    /** The nearest MQTT 3 CONNACK return code for an MQTT 5 reason code. */
    public static MqttConnectReturnCode connAck3(int code) {
        return switch (code) {
            case 0x85 -> MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
            case 0x88, 0x89 -> MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
            case 0x86 -> MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
            default -> MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
        };
    }

    /** The CONNACK code for {@code code} in the client's protocol. */
    public static MqttConnectReturnCode connAck(int code, boolean mqtt5) {
        return mqtt5 ? connAck5(code) : connAck3(code);
    }

    /** The PUBACK/PUBREC code for a refused PUBLISH: {@code code} where allowed, else 0x87. */
    public static int pubAck(int code) {
        return PUBACK.contains(code) ? code : NOT_AUTHORIZED;
    }

    /** The SUBACK code for a refused filter: {@code code} where allowed, else 0x87. */
    public static int subAck(int code) {
        return SUBACK.contains(code) ? code : NOT_AUTHORIZED;
    }
}
