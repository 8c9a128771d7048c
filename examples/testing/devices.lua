-- Devices log in with a token whose bcrypt hash is kept in PostgreSQL, and publish under
-- their own topic. docs/scripting.md ("Testing scripts") tests it with devices.test.yaml:
--   bin/polyhook script test examples/testing

postgres.ensure_pool{pool_id = "devices"}

local LOOKUP = "SELECT token_hash FROM devices WHERE client_id = $1"

function auth_on_register(reg)
    if reg.username ~= "device" then
        return                                   -- not a device: the next script decides
    end
    local rows = postgres.execute("devices", LOOKUP, reg.client_id)
    if #rows == 0 then
        return false, "not_authorized", "unknown device"
    end
    local hash = rows[1].token_hash
    return reg.password ~= nil and bcrypt.hashpw(reg.password, hash) == hash
end

function auth_on_publish(pub)
    if pub.username ~= "device" then
        return
    end
    return {topic = "devices/" .. pub.client_id .. "/" .. pub.topic}
end

hooks = {
    auth_on_register = auth_on_register,
    auth_on_publish = auth_on_publish,
}
