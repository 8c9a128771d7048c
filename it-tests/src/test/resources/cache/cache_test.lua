-- Modelled on vmq_diversity's test/cache_test.lua (reference vmq_diversity.md §4.2), driven by
-- AuthCacheSuiteTest with real MQTT clients.

-- Top-level asserts, run at load (user "test-user", mountpoint ""). The entries they insert
-- are invalidated at the end, so that every test starts with an empty cache.
local user = "test-user"

-- 1. plain ACLs
assert(auth_cache.insert("", "test-client", user, {{pattern = "a/+/c"}, {pattern = "c/#"}},
                         {{pattern = "a/+/c"}, {pattern = "c/#"}}) == true)
assert(auth_cache.match_subscribe("", "test-client", "a/+/c", 1) == true)
assert(auth_cache.match_subscribe("", "test-client", "a/b/c", 1) == true)
assert(auth_cache.match_subscribe("", "test-client", "c/b/a", 1) == true)
assert(auth_cache.match_subscribe("", "test-client", "a/b/d", 1) == false)
assert(auth_cache.match_subscribe("", "test-client", "d/d/d", 1) == false)
assert(auth_cache.match_publish("", "test-client", "a/b/c", 1, "hello", false) == true)
assert(auth_cache.match_publish("", "test-client", "c/b/a", 1, "hello", false) == true)
assert(auth_cache.match_publish("", "test-client", "a/b/d", 1, "hello", false) == false)
assert(auth_cache.match_publish("", "test-client", "d/d/d", 1, "hello", false) == false)

-- 2. max_qos, max_payload_size, allowed_retain
local complex = {{pattern = "a/+/c", max_qos = 1, max_payload_size = 5, allowed_retain = false}}
assert(auth_cache.insert("", "test-client-complex", user, complex, complex) == true)
assert(auth_cache.match_subscribe("", "test-client-complex", "a/+/c", 2) == false)
assert(auth_cache.match_subscribe("", "test-client-complex", "a/+/c", 1) == true)
assert(auth_cache.match_publish("", "test-client-complex", "a/b/c", 2, "hello", false) == false)
assert(auth_cache.match_publish("", "test-client-complex", "a/b/c", 1, "hello world", false) == false)
assert(auth_cache.match_publish("", "test-client-complex", "a/b/c", 1, "hello", true) == false)
assert(auth_cache.match_publish("", "test-client-complex", "a/b/c", 1, "hello", false) == true)

-- 3. modifiers (the reference's mountpoint override and properties are checked by the
-- provider's unit tests; here only the fields the MQTT tests observe)
assert(auth_cache.insert("", "test-client-modifiers", user,
    {{pattern = "a/+/c", modifiers = {topic = "hello/world", payload = "hello world", qos = 1, retain = true}}},
    {{pattern = "a/+/c", modifiers = {{"hello/world", 2}}}}) == true)
local sub_mods = auth_cache.match_subscribe("", "test-client-modifiers", "a/+/c", 1)
assert(type(sub_mods) == "table" and sub_mods[1][1] == "hello/world" and sub_mods[1][2] == 2)
local pub_mods = auth_cache.match_publish("", "test-client-modifiers", "a/b/c", 2, "hi", false)
assert(type(pub_mods) == "table" and pub_mods.topic == "hello/world" and pub_mods.payload == "hello world"
       and pub_mods.qos == 1 and pub_mods.retain == true)

for _, id in ipairs({"test-client", "test-client-complex", "test-client-modifiers"}) do
    auth_cache.invalidate{client_id = id, mountpoint = ""}
end

-- Hooks

function auth_on_register(reg)
    if reg.client_id == "allowed-subscriber-id" then
        local publish_acls = {
            {pattern = "a/b/c"},
            {pattern = "a/%m/%u/%c/+/#"},
            -- The reference also sets mountpoint = "override-mountpoint2" (and properties); the
            -- mountpoint override is left out here so that the rewritten message is delivered
            -- in the default mountpoint "", where the tests can observe it.
            {pattern = "modifiers",
             modifiers = {topic = "hello/world", payload = "hello world", qos = 1, retain = true}}
        }
        local subscribe_acls = {
            {pattern = "a/b/c"},
            {pattern = "a/%m/%u/%c/+/#"},
            {pattern = "modifiers", modifiers = {{"hello/world", 2}}}
        }
        auth_cache.insert(reg.mountpoint, reg.client_id, reg.username, publish_acls, subscribe_acls)
        return true
    end
    return true
end

-- Reached only for clients without a cache entry.
function auth_on_publish(pub) return true end
function auth_on_subscribe(sub) return true end

-- Any v5 request answered "yes" must have been answered by the cache.
function auth_on_publish_m5(pub) return false end
function auth_on_subscribe_m5(sub) return false end

function on_client_offline(id) log.info("cache_test: offline " .. tostring(id.client_id)) end
function on_client_gone(id) log.info("cache_test: gone " .. tostring(id.client_id)) end

hooks = {
    auth_on_register = auth_on_register,
    auth_on_register_m5 = auth_on_register,
    auth_on_publish = auth_on_publish,
    auth_on_subscribe = auth_on_subscribe,
    auth_on_publish_m5 = auth_on_publish_m5,
    auth_on_subscribe_m5 = auth_on_subscribe_m5,
    on_client_offline = on_client_offline,
    on_client_gone = on_client_gone,
}
