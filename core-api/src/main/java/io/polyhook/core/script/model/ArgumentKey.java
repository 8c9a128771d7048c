package io.polyhook.core.script.model;

/**
 * A top-level key of a hook's argument table (reference §1.2), as {@link HookArguments} gives it
 * to an {@link ArgumentSink}. An engine can keep its own form of each key (a Lua string, a
 * property name) in an array indexed by {@link #ordinal()}, made once, instead of converting the
 * key's text on every call.
 */
public enum ArgumentKey {
    /** The client's address. */
    ADDR("addr"),
    /** The client's port. */
    PORT("port"),
    /** The mountpoint. */
    MOUNTPOINT("mountpoint"),
    /** The client id. */
    CLIENT_ID("client_id"),
    /** The user name, when the client sent one. */
    USERNAME("username"),
    /** The password, when the client sent one. */
    PASSWORD("password"),
    /** MQTT 3's clean session flag. */
    CLEAN_SESSION("clean_session"),
    /** MQTT 5's clean start flag. */
    CLEAN_START("clean_start"),
    /** The listener's address. */
    LISTENER_ADDR("listener_addr"),
    /** The listener's port. */
    LISTENER_PORT("listener_port"),
    /** The listener's type. */
    LISTENER_TYPE("listener_type"),
    /** The client's TLS certificate, when it showed one. */
    CLIENT_CERT("client_cert"),
    /** A message's QoS. */
    QOS("qos"),
    /** A message's topic. */
    TOPIC("topic"),
    /** A message's payload. */
    PAYLOAD("payload"),
    /** A message's retain flag. */
    RETAIN("retain"),
    /** The topics of a subscribe or unsubscribe. */
    TOPICS("topics"),
    /** The MQTT 5 properties table ({@code p_*} keys). */
    PROPERTIES("properties");

    private final String scriptName;

    ArgumentKey(String scriptName) {
        this.scriptName = scriptName;
    }

    /** The key as scripts see it: {@code client_id}, {@code topic}, … */
    public String scriptName() {
        return scriptName;
    }
}
