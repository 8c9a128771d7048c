// Polyhook's counterpart of vmq_diversity's plugin_test.lua (reference §4.1), in JavaScript.
// Every hook asserts the exact fields it receives, then decides by client id.
// Notification hooks report through the test provider `probe` once their asserts passed.

function assert(condition, message) {
    if (!condition) {
        throw new Error("assertion failed" + (message ? ": " + message : ""));
    }
}

function decide(clientId) {
    if (clientId === "allowed-subscriber-id") {
        return true;
    } else if (clientId === "not-allowed-subscriber-id") {
        return false;
    }
    // ignored-subscriber-id and anyone else: no opinion
}

function seen(hook, clientId) {
    if (typeof probe !== "undefined") probe.hit(hook, clientId);
}

function checkRegister(reg) {
    assert(reg.addr === "192.168.123.123");
    assert(reg.port === 12345);
    assert(reg.mountpoint === "");
    if (reg.client_id === "undefined_creds") {
        assert(reg.username === undefined);
        assert(reg.password === undefined);
        return true;
    }
    assert(reg.username === "test-user");
    assert(reg.password === "test-password");
}

function checkListener(reg) {
    assert(reg.listener_addr === "127.0.0.1");
    assert(reg.listener_port === 1883);
    assert(reg.listener_type === "mqtt");
}

function auth_on_register(reg) {
    if (checkRegister(reg)) return true;
    assert(reg.clean_session === true);
    switch (reg.client_id) {
        case "listener-info":
            checkListener(reg);
            return true;
        case "changed-subscriber-id":
            return {subscriber_id: {mountpoint: "override-mountpoint", client_id: "override-client-id"}};
        case "change-modifiers-id":
            return {max_message_size: 1001, max_connection_lifetime: 4711};
        case "changed-username":
            return {username: "override-username"};
    }
    return decide(reg.client_id);
}

function auth_on_register_m5(reg) {
    if (checkRegister(reg)) return true;
    assert(reg.clean_start === true);
    switch (reg.client_id) {
        case "listener-info-m5":
            checkListener(reg);
            return true;
        case "changed-subscriber-id":
            return {subscriber_id: {mountpoint: "override-mountpoint", client_id: "override-client-id"}};
        case "changed-username":
            return {username: "override-username"};
        case "modify-props": {
            const p = reg.properties;
            assert(p.p_session_expiry_interval === 5);
            assert(p.p_receive_max === 10);
            assert(p.p_topic_alias_max === 15);
            assert(p.p_request_response_info === true);
            assert(p.p_request_problem_info === true);
            assert(Array.isArray(p.p_user_property) && p.p_user_property.length === 3);
            assert(p.p_user_property[0].k1 === "v1");
            assert(p.p_user_property[1].k1 === "v2");
            assert(p.p_user_property[2].k2 === "v2");
            return {properties: {p_user_property: [{k3: "v3"}], p_session_expiry_interval: 10}};
        }
    }
    return decide(reg.client_id);
}

function checkPublish(pub) {
    assert(pub.username === "test-user");
    assert(pub.mountpoint === "");
    assert(pub.topic === "test/topic");
    assert(pub.qos === 1);
    assert(pub.payload === "hello world");
    assert(pub.retain === false);
}

function auth_on_publish(pub) {
    checkPublish(pub);
    if (pub.client_id === "changed-subscriber-id") {
        return {topic: "hello/world"};
    }
    return decide(pub.client_id);
}

function auth_on_publish_m5(pub) {
    checkPublish(pub);
    switch (pub.client_id) {
        case "changed-subscriber-id":
            return {topic: "hello/world"};
        case "invalid-topic":
            return {topic: 5};
        case "unknown-modifier":
            return {unknown: 5};
        case "modify-props": {
            const p = pub.properties;
            assert(p.p_user_property.length === 4);
            assert(p.p_user_property[0].k1 === "v1");
            assert(p.p_user_property[3].k4 === "v4");
            assert(p.p_correlation_data === "correlation_data");
            assert(p.p_response_topic === "response/topic");
            assert(p.p_payload_format_indicator === "utf8");
            assert(p.p_content_type === "content_type");
            return {properties: {
                p_user_property: [{k1: "v3"}, {k3: "v3"}],
                p_correlation_data: "modified_correlation_data",
                p_response_topic: "modified/response/topic",
                p_payload_format_indicator: "undefined",
                p_content_type: "modified_content_type"}};
        }
    }
    return decide(pub.client_id);
}

function checkSubscribe(sub) {
    assert(sub.username === "test-user");
    assert(sub.mountpoint === "");
    assert(sub.topics.length === 1);
    assert(sub.topics[0][0] === "test/topic");
}

function auth_on_subscribe(sub) {
    checkSubscribe(sub);
    assert(sub.topics[0][1] === 1);
    if (sub.client_id === "changed-subscriber-id") {
        return [["hello/world", 2]];
    }
    return decide(sub.client_id);
}

function auth_on_subscribe_m5(sub) {
    checkSubscribe(sub);
    assert(sub.topics[0][1][0] === 1);
    assert(sub.topics[0][1][1].rap === true);
    assert(sub.topics[0][1][1].no_local === false);
    const p = sub.properties;
    assert(p.p_user_property[0].k1 === "v1");
    assert(p.p_subscription_id.length === 3);
    assert(p.p_subscription_id.join(",") === "1,2,3");
    if (sub.client_id === "changed-subscriber-id") {
        return {topics: [["hello/world", [2, {rap: true}]]]};
    }
    return decide(sub.client_id);
}

function on_register(reg) {
    assert(reg.addr === "192.168.123.123");
    assert(reg.port === 12345);
    assert(reg.mountpoint === "");
    assert(reg.client_id === "allowed-subscriber-id");
    assert(reg.username === "test-user");
    assert(reg.password === undefined);
    seen("on_register", reg.client_id);
}

function on_register_m5(reg) {
    assert(reg.properties.p_session_expiry_interval === 5);
    assert(reg.properties.p_user_property[1].k1 === "v2");
    on_register(reg);
    seen("on_register_m5", reg.client_id);
}

function on_publish(pub) {
    checkPublish(pub);
    assert(pub.client_id === "allowed-subscriber-id");
    seen("on_publish", pub.client_id);
}

function on_publish_m5(pub) {
    on_publish(pub);
    seen("on_publish_m5", pub.client_id);
}

function on_subscribe(sub) {
    checkSubscribe(sub);
    assert(sub.client_id === "allowed-subscriber-id");
    assert(sub.topics[0][1] === 1);
    seen("on_subscribe", sub.client_id);
}

function on_subscribe_m5(sub) {
    checkSubscribe(sub);
    assert(sub.topics[0][1][0] === 1);
    seen("on_subscribe_m5", sub.client_id);
}

function on_unsubscribe(usub) {
    assert(usub.username === "test-user");
    assert(usub.mountpoint === "");
    assert(usub.topics.length === 1);
    assert(usub.topics[0] === "test/topic");
    if (usub.client_id === "changed-subscriber-id") {
        return ["hello/world"];
    }
    assert(usub.client_id === "allowed-subscriber-id");
}

function on_unsubscribe_m5(usub) {
    assert(usub.topics[0] === "test/topic");
    assert(usub.properties.p_user_property[0].k1 === "v1");
    if (usub.client_id === "changed-subscriber-id") {
        return {topics: ["hello/world"]};
    }
}

function on_deliver(pub) {
    assert(pub.username === "test-user");
    assert(pub.client_id === "allowed-subscriber-id");
    assert(pub.mountpoint === "");
    assert(pub.topic === "test/topic");
    assert(pub.payload === "hello world");
    if (pub.retain) {
        assert(pub.properties !== undefined);
    }
    return true;
}

function on_deliver_m5(pub) {
    on_deliver(pub);
    const p = pub.properties;
    assert(p.p_user_property[3].k4 === "v4");
    return {properties: {
        p_user_property: [{k1: "v3"}, {k3: "v3"}],
        p_correlation_data: "modified_correlation_data",
        p_response_topic: "modified/response/topic",
        p_payload_format_indicator: "undefined",
        p_content_type: "modified_content_type"}};
}

function on_offline_message(ev) {
    assert(ev.client_id === "allowed-subscriber-id");
    assert(ev.mountpoint === "");
    assert(ev.topic === "test/topic");
    assert(ev.payload === "hello world");
    assert(ev.qos === 2);
    assert(ev.retain === false);
    assert(ev.username === undefined);
    seen("on_offline_message", ev.client_id);
}

function clientEvent(name) {
    return function (ev) {
        assert(ev.client_id === "allowed-subscriber-id");
        assert(ev.mountpoint === "");
        seen(name, ev.client_id);
    };
}

function on_auth_m5(auth) {
    assert(auth.username === "test-user");
    assert(auth.mountpoint === "");
    assert(auth.client_id === "allowed-subscriber-id");
    assert(auth.properties.p_authentication_method === "AUTH_METHOD");
    assert(auth.properties.p_authentication_data === "AUTH_DATA0");
    return {properties: {p_authentication_method: "AUTH_METHOD", p_authentication_data: "AUTH_DATA1"}};
}

var hooks = {
    auth_on_register,
    auth_on_register_m5,
    auth_on_publish,
    auth_on_publish_m5,
    auth_on_subscribe,
    auth_on_subscribe_m5,
    on_register,
    on_register_m5,
    on_publish,
    on_publish_m5,
    on_subscribe,
    on_subscribe_m5,
    on_unsubscribe,
    on_unsubscribe_m5,
    on_deliver,
    on_deliver_m5,
    on_offline_message,
    on_client_wakeup: clientEvent("on_client_wakeup"),
    on_client_offline: clientEvent("on_client_offline"),
    on_client_gone: clientEvent("on_client_gone"),
    on_session_expired: clientEvent("on_session_expired"),
    on_auth_m5,
};
