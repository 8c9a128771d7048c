-- Polyhook bundled authentication: Redis (reference: vmq_diversity auth/redis.lua).
--
-- One string key per (mountpoint, client_id, username); client_id "*" is the user's default:
--   key   = the JSON array ["<mountpoint>","<client_id>","<username>"], without spaces
--   value = the JSON object {"passhash":"$2a$12$...",            -- bcrypt
--                            "publish_acl":[{"pattern":"cars/%c/#"}],
--                            "subscribe_acl":[{"pattern":"users/%u/#"}]}
--   SET '["","car-1","alice"]' '{"passhash":"$2a$12$...","publish_acl":[...],"subscribe_acl":[...]}'
-- The pool "auth_redis" takes host, port, password, database, ... from the providers.redis config.

local auth = require "auth/auth_commons"

local DB = "redis"
local POOL = "auth_redis"

redis.ensure_pool{pool_id = POOL}

-- The entry stored for this client id, decoded, or nil. The key is passed as an extra
-- argument, so ids with spaces stay one word.
local function find(mountpoint, client_id, username)
    local key = json.encode({mountpoint, client_id, username})
    local value = redis.cmd(POOL, "GET", key)
    if value == false then
        auth.db_failed(DB, "GET of a user key")
    end
    if value == nil then
        return nil
    end
    local entry = json.decode(value)
    if type(entry) ~= "table" then
        error("auth/redis.lua: the value of a user key is not a JSON object", 0)
    end
    return entry
end

local function auth_on_register(reg)
    local username, password = auth.credentials(reg)
    if username == nil then
        return auth.no_opinion(DB)
    end
    local entries = {}
    for _, client_id in ipairs({reg.client_id, "*"}) do
        local entry = find(reg.mountpoint, client_id, username)
        if entry ~= nil then
            entries[#entries + 1] = {
                client_id = client_id,
                verified = auth.bcrypt_verifies(password, entry.passhash),
                publish_acl = entry.publish_acl,
                subscribe_acl = entry.subscribe_acl,
            }
        end
    end
    return auth.login(DB, reg, entries)
end

hooks = auth.hooks(DB, auth_on_register)
