-- The script of VerneMQ's public test broker, from the vmq_diversity announcement, as valid Lua.
--
--   * anonymous clients are allowed (run the broker with broker.allow_anonymous: false, so that
--     auth_on_register is called and can count connections; this script lets everyone in);
--   * every client interaction is logged;
--   * subscriptions to $SYS/... and to # are denied unless the user is a superuser;
--   * superusers are checked by password, and a superuser with a wrong password is always denied;
--   * at most max_conns_per_ip connections per IP address, counted in a kv table and
--     decremented in on_client_offline / on_client_gone.
--
-- Differences from the blog post's listing, which was not valid Lua: the missing `end`s and
-- `else`s are in place; anonymous clients (username nil) no longer break the log lines; the
-- counter is only incremented for a connection that is accepted, only once per client id (a
-- client that reconnects or takes its session over is not counted twice), and cleanup is
-- idempotent (offline followed by session expiry does not decrement twice).

-- One state: every counter update is then serialized, so concurrent connects cannot race.
num_states = 1

max_conns_per_ip = 5

superusers = {}
superusers["bob"] = "bobsecret"
superusers["alice"] = "alicesecret"

local tab = "client-counters"
kv.ensure_table({name = tab})

local function name(user)
    return user or "(anonymous)"
end

-- the number of connections from this IP address
function current_conns(ip)
    local ret = kv.lookup(tab, ip)
    if #ret > 0 then
        return ret[1]
    else
        return 0
    end
end

local function count_connection(reg)
    if #kv.lookup(tab, reg.client_id) > 0 then
        return -- a reconnect or takeover of a client we already count
    end
    local e = {} -- element
    e[reg.addr] = current_conns(reg.addr) + 1
    e[reg.client_id] = reg.addr -- index item, supposed to be unique
    kv.insert(tab, e)
end

function auth_on_register(reg)
    local nr_of_conns = current_conns(reg.addr)
    if #kv.lookup(tab, reg.client_id) == 0 and not (nr_of_conns < max_conns_per_ip) then
        log.warning("CAN'T REGISTER: ip: " .. reg.addr .. " user: " .. name(reg.username)
            .. " client: " .. reg.client_id .. " due to max_conns_exceeded")
        return false
    end

    local pwd = reg.username and superusers[reg.username]
    if pwd then
        -- a superuser tries to log in
        if obf.decrypt(reg.password or "") == pwd then
            log.info("REGISTER SUPERUSER: ip: " .. reg.addr .. " user: " .. reg.username
                .. " client: " .. reg.client_id)
            count_connection(reg)
            return true
        else
            -- a superuser with a wrong password is always denied
            log.warning("WRONG SUPERUSER PASSWORD: ip: " .. reg.addr .. " user: " .. reg.username
                .. " client: " .. reg.client_id)
            return false
        end
    end
    log.info("REGISTER: ip: " .. reg.addr .. " user: " .. name(reg.username) .. " client: " .. reg.client_id)
    count_connection(reg)
    return true
end

function auth_on_publish(pub)
    log.info("PUBLISH: client: " .. pub.client_id .. " topic: " .. pub.topic .. " qos: " .. pub.qos)
    return true
end

function auth_on_subscribe(sub)
    local logline = "SUBSCRIBE: client: " .. sub.client_id
    for _, s in ipairs(sub.topics) do
        local topic = s[1]
        local qos = s[2]
        if type(qos) == "table" then
            qos = qos[1] -- MQTT 5: {qos, subopts}
        end
        if (string.sub(topic, 1, 4) == "$SYS") or (topic == "#") then
            -- check whether we are superuser
            if not (sub.username and superusers[sub.username]) then
                -- we don't allow
                logline = logline .. " topic: " .. topic .. " qos: " .. qos
                log.warning("NOT-ALLOWED-" .. logline)
                return false
            end
        end
        logline = logline .. " topic: " .. topic .. " qos: " .. qos
    end
    log.info(logline)
    return true
end

-- clean up counters if required; returns the new connection count for this IP address
function cleanup_counters(c)
    local found = kv.lookup(tab, c.client_id)
    if #found == 0 then
        return 0 -- already cleaned up, or never counted
    end
    local ip = found[1]
    local nr_of_conns = current_conns(ip)
    kv.delete(tab, c.client_id)
    if nr_of_conns <= 1 then
        kv.delete(tab, ip)
        return 0
    else
        local new_nr_of_conns = nr_of_conns - 1
        local e = {} -- element
        e[ip] = new_nr_of_conns
        kv.insert(tab, e)
        return new_nr_of_conns
    end
end

function on_client_offline(c)
    log.info("OFFLINE: client: " .. c.client_id .. " connections left from its ip: " .. cleanup_counters(c))
end

function on_client_gone(c)
    log.info("GONE: client: " .. c.client_id .. " connections left from its ip: " .. cleanup_counters(c))
end

hooks = {
    auth_on_register = auth_on_register,
    auth_on_register_m5 = auth_on_register,
    auth_on_publish = auth_on_publish,
    auth_on_publish_m5 = auth_on_publish,
    auth_on_subscribe = auth_on_subscribe,
    auth_on_subscribe_m5 = auth_on_subscribe,
    on_client_offline = on_client_offline,
    on_client_gone = on_client_gone,
}
