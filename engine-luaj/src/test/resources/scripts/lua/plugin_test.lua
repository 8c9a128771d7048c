-- Polyhook's counterpart of vmq_diversity's plugin_test.lua (reference §4.1).
-- Every hook asserts the exact fields it receives, then decides by client id.
-- Notification hooks report through the test provider `probe` once their asserts passed.

local function decide(client_id)
    if client_id == "allowed-subscriber-id" then
        return true
    elseif client_id == "not-allowed-subscriber-id" then
        return false
    end
    -- ignored-subscriber-id and anyone else: no opinion
end

local function seen(hook, client_id)
    if probe then probe.hit(hook, client_id) end
end

local function check_register(reg)
    assert(reg.addr == "192.168.123.123")
    assert(reg.port == 12345)
    assert(reg.mountpoint == "")
    if reg.client_id == "undefined_creds" then
        assert(reg.username == nil)
        assert(reg.password == nil)
        return true
    end
    assert(reg.username == "test-user")
    assert(reg.password == "test-password")
end

local function check_listener(reg)
    assert(reg.listener_addr == "127.0.0.1")
    assert(reg.listener_port == 1883)
    assert(reg.listener_type == "mqtt")
end

local function auth_on_register(reg)
    if check_register(reg) then return true end
    assert(reg.clean_session == true)
    if reg.client_id == "listener-info" then
        check_listener(reg)
        return true
    elseif reg.client_id == "changed-subscriber-id" then
        return {subscriber_id = {mountpoint = "override-mountpoint", client_id = "override-client-id"}}
    elseif reg.client_id == "change-modifiers-id" then
        return {max_message_size = 1001, max_connection_lifetime = 4711}
    elseif reg.client_id == "changed-username" then
        return {username = "override-username"}
    end
    return decide(reg.client_id)
end

local function auth_on_register_m5(reg)
    if check_register(reg) then return true end
    assert(reg.clean_start == true)
    if reg.client_id == "listener-info-m5" then
        check_listener(reg)
        return true
    elseif reg.client_id == "changed-subscriber-id" then
        return {subscriber_id = {mountpoint = "override-mountpoint", client_id = "override-client-id"}}
    elseif reg.client_id == "changed-username" then
        return {username = "override-username"}
    elseif reg.client_id == "modify-props" then
        local p = reg.properties
        assert(p.p_session_expiry_interval == 5)
        assert(p.p_receive_max == 10)
        assert(p.p_topic_alias_max == 15)
        assert(p.p_request_response_info == true)
        assert(p.p_request_problem_info == true)
        assert(#p.p_user_property == 3)
        assert(p.p_user_property[1].k1 == "v1")
        assert(p.p_user_property[2].k1 == "v2")
        assert(p.p_user_property[3].k2 == "v2")
        return {properties = {p_user_property = {{k3 = "v3"}}, p_session_expiry_interval = 10}}
    end
    return decide(reg.client_id)
end

local function check_publish(pub)
    assert(pub.username == "test-user")
    assert(pub.mountpoint == "")
    assert(pub.topic == "test/topic")
    assert(pub.qos == 1)
    assert(pub.payload == "hello world")
    assert(pub.retain == false)
end

local function auth_on_publish(pub)
    check_publish(pub)
    if pub.client_id == "changed-subscriber-id" then
        return {topic = "hello/world"}
    end
    return decide(pub.client_id)
end

local function auth_on_publish_m5(pub)
    check_publish(pub)
    if pub.client_id == "changed-subscriber-id" then
        return {topic = "hello/world"}
    elseif pub.client_id == "invalid-topic" then
        return {topic = 5}
    elseif pub.client_id == "unknown-modifier" then
        return {unknown = 5}
    elseif pub.client_id == "modify-props" then
        local p = pub.properties
        assert(#p.p_user_property == 4)
        assert(p.p_user_property[1].k1 == "v1")
        assert(p.p_user_property[4].k4 == "v4")
        assert(p.p_correlation_data == "correlation_data")
        assert(p.p_response_topic == "response/topic")
        assert(p.p_payload_format_indicator == "utf8")
        assert(p.p_content_type == "content_type")
        return {properties = {
            p_user_property = {{k1 = "v3"}, {k3 = "v3"}},
            p_correlation_data = "modified_correlation_data",
            p_response_topic = "modified/response/topic",
            p_payload_format_indicator = "undefined",
            p_content_type = "modified_content_type"}}
    end
    return decide(pub.client_id)
end

local function check_subscribe(sub)
    assert(sub.username == "test-user")
    assert(sub.mountpoint == "")
    assert(#sub.topics == 1)
    assert(sub.topics[1][1] == "test/topic")
end

local function auth_on_subscribe(sub)
    check_subscribe(sub)
    assert(sub.topics[1][2] == 1)
    if sub.client_id == "changed-subscriber-id" then
        return {{"hello/world", 2}}
    end
    return decide(sub.client_id)
end

local function auth_on_subscribe_m5(sub)
    check_subscribe(sub)
    assert(sub.topics[1][2][1] == 1)
    assert(sub.topics[1][2][2].rap == true)
    assert(sub.topics[1][2][2].no_local == false)
    local p = sub.properties
    assert(p.p_user_property[1].k1 == "v1")
    assert(#p.p_subscription_id == 3)
    assert(p.p_subscription_id[1] == 1 and p.p_subscription_id[2] == 2 and p.p_subscription_id[3] == 3)
    if sub.client_id == "changed-subscriber-id" then
        return {topics = {{"hello/world", {2, {rap = true}}}}}
    end
    return decide(sub.client_id)
end

local function on_register(reg)
    assert(reg.addr == "192.168.123.123")
    assert(reg.port == 12345)
    assert(reg.mountpoint == "")
    assert(reg.client_id == "allowed-subscriber-id")
    assert(reg.username == "test-user")
    assert(reg.password == nil)
    seen("on_register", reg.client_id)
end

local function on_register_m5(reg)
    assert(reg.properties.p_session_expiry_interval == 5)
    assert(reg.properties.p_user_property[2].k1 == "v2")
    on_register(reg)
    seen("on_register_m5", reg.client_id)
end

local function on_publish(pub)
    check_publish(pub)
    assert(pub.client_id == "allowed-subscriber-id")
    seen("on_publish", pub.client_id)
end

local function on_publish_m5(pub)
    on_publish(pub)
    seen("on_publish_m5", pub.client_id)
end

local function on_subscribe(sub)
    check_subscribe(sub)
    assert(sub.client_id == "allowed-subscriber-id")
    assert(sub.topics[1][2] == 1)
    seen("on_subscribe", sub.client_id)
end

local function on_subscribe_m5(sub)
    check_subscribe(sub)
    assert(sub.topics[1][2][1] == 1)
    seen("on_subscribe_m5", sub.client_id)
end

local function on_unsubscribe(usub)
    assert(usub.username == "test-user")
    assert(usub.mountpoint == "")
    assert(#usub.topics == 1)
    assert(usub.topics[1] == "test/topic")
    if usub.client_id == "changed-subscriber-id" then
        return {"hello/world"}
    end
    assert(usub.client_id == "allowed-subscriber-id")
end

local function on_unsubscribe_m5(usub)
    assert(usub.topics[1] == "test/topic")
    assert(usub.properties.p_user_property[1].k1 == "v1")
    if usub.client_id == "changed-subscriber-id" then
        return {topics = {"hello/world"}}
    end
end

local function on_deliver(pub)
    assert(pub.username == "test-user")
    assert(pub.client_id == "allowed-subscriber-id")
    assert(pub.mountpoint == "")
    assert(pub.topic == "test/topic")
    assert(pub.payload == "hello world")
    if pub.retain then
        assert(pub.properties ~= nil)
    end
    return true
end

local function on_deliver_m5(pub)
    on_deliver(pub)
    local p = pub.properties
    assert(p.p_user_property[4].k4 == "v4")
    return {properties = {
        p_user_property = {{k1 = "v3"}, {k3 = "v3"}},
        p_correlation_data = "modified_correlation_data",
        p_response_topic = "modified/response/topic",
        p_payload_format_indicator = "undefined",
        p_content_type = "modified_content_type"}}
end

local function on_offline_message(ev)
    assert(ev.client_id == "allowed-subscriber-id")
    assert(ev.mountpoint == "")
    assert(ev.topic == "test/topic")
    assert(ev.payload == "hello world")
    assert(ev.qos == 2)
    assert(ev.retain == false)
    assert(ev.username == nil)
    seen("on_offline_message", ev.client_id)
end

local function client_event(name)
    return function(ev)
        assert(ev.client_id == "allowed-subscriber-id")
        assert(ev.mountpoint == "")
        seen(name, ev.client_id)
    end
end

local function on_auth_m5(auth)
    assert(auth.username == "test-user")
    assert(auth.mountpoint == "")
    assert(auth.client_id == "allowed-subscriber-id")
    assert(auth.properties.p_authentication_method == "AUTH_METHOD")
    assert(auth.properties.p_authentication_data == "AUTH_DATA0")
    return {properties = {p_authentication_method = "AUTH_METHOD", p_authentication_data = "AUTH_DATA1"}}
end

hooks = {
    auth_on_register = auth_on_register,
    auth_on_register_m5 = auth_on_register_m5,
    auth_on_publish = auth_on_publish,
    auth_on_publish_m5 = auth_on_publish_m5,
    auth_on_subscribe = auth_on_subscribe,
    auth_on_subscribe_m5 = auth_on_subscribe_m5,
    on_register = on_register,
    on_register_m5 = on_register_m5,
    on_publish = on_publish,
    on_publish_m5 = on_publish_m5,
    on_subscribe = on_subscribe,
    on_subscribe_m5 = on_subscribe_m5,
    on_unsubscribe = on_unsubscribe,
    on_unsubscribe_m5 = on_unsubscribe_m5,
    on_deliver = on_deliver,
    on_deliver_m5 = on_deliver_m5,
    on_offline_message = on_offline_message,
    on_client_wakeup = client_event("on_client_wakeup"),
    on_client_offline = client_event("on_client_offline"),
    on_client_gone = client_event("on_client_gone"),
    on_session_expired = client_event("on_session_expired"),
    on_auth_m5 = on_auth_m5,
}
