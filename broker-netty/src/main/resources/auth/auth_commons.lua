-- Polyhook bundled database authentication: what every auth/<db>.lua script shares.
--
-- A database script reads the user's entries for the client and hands them to `auth.login`,
-- which turns them into the hook's verdict and caches the client's ACLs. From then on the auth
-- cache (a Java plugin that runs before any script) answers the client's PUBLISH and SUBSCRIBE
-- requests from those ACLs, without calling a script.
--
-- Verdicts (see docs/auth.md):
--   a password verifies           -> ACLs cached, true (client admitted)
--   entries, no password verifies -> false (CONNACK 0x86 / v3 4)
--   no entry (unknown user), or no username or no password
--                                 -> nil = next: the next script or plugin decides; when none
--                                    admits the client the broker refuses it (0x87 / v3 5).
--                                    vmq_diversity answered false here (issue #2430).
--   the database fails            -> a Lua error: logged by the engine, counts as next.
--
-- Usage, in auth/<db>.lua:
--   local auth = require "auth/auth_commons"
--   local function auth_on_register(reg)
--       local username, password = auth.credentials(reg)
--       if username == nil then return auth.no_opinion(DB) end
--       ... look the entries up ...
--       return auth.login(DB, reg, entries)
--   end
--   hooks = auth.hooks(DB, auth_on_register)

local auth = {}

-- Lua states per script: logins of different clients run in parallel, up to this many.
num_states = 10
-- A state is not kept between calls: the scripts hold no state of their own.
keep_state = false

----------------------------------------------------------------------------------------------
-- THE SWITCH: what the scripts answer for a client they cannot vouch for (unknown user, no
-- username or password, and PUBLISH/SUBSCRIBE of a client they did not admit).
--   "next" (default): no opinion; another script or plugin may admit the client (#2430 fix).
--   "deny": vmq_diversity's behaviour; the client is refused, its requests are denied.
-- The broker's config key is auth.<db>.unknown_user: next | deny. Scripts cannot read the
-- config file; when the broker offers a `polyhook.config(key)` function, it is read here.
-- Without it, the default below applies: change it here to deny everywhere.
----------------------------------------------------------------------------------------------
local DEFAULT_UNKNOWN_USER = "next"

function auth.unknown_user_policy(db)
    local polyhook = _G.polyhook
    if type(polyhook) == "table" and type(polyhook.config) == "function" then
        local value = polyhook.config("auth." .. db .. ".unknown_user")
        if value == "next" or value == "deny" then
            return value
        end
    end
    return DEFAULT_UNKNOWN_USER
end

-- The verdict for a client this script cannot vouch for: nil (next) or false (deny).
function auth.no_opinion(db)
    if auth.unknown_user_policy(db) == "deny" then
        return false
    end
    return nil
end

----------------------------------------------------------------------------------------------
-- ACL validation and caching
----------------------------------------------------------------------------------------------

local function check_acl_list(acls, kind, who)
    if acls == nil then
        return -- no ACLs of this kind: every such request is denied from the cache
    end
    if type(acls) ~= "table" then
        error(who .. ": " .. kind .. " must be a JSON array of ACL objects, got " .. type(acls), 0)
    end
    for i, acl in ipairs(acls) do
        if type(acl) ~= "table" then
            error(who .. ": " .. kind .. "[" .. i .. "] must be an object, got " .. type(acl), 0)
        end
        for key, value in pairs(acl) do
            if type(key) ~= "string" then
                error(who .. ": " .. kind .. "[" .. i .. "] has a key that is not a string", 0)
            end
            if key == "pattern" then
                if type(value) ~= "string" then
                    error(who .. ": " .. kind .. "[" .. i .. "].pattern must be a string", 0)
                end
            elseif key == "modifiers" then
                if type(value) ~= "table" then
                    error(who .. ": " .. kind .. "[" .. i .. "].modifiers must be an object or array", 0)
                end
            elseif type(value) ~= "string" and type(value) ~= "number" and type(value) ~= "boolean" then
                error(who .. ": " .. kind .. "[" .. i .. "]." .. key .. " must be a string, number or boolean", 0)
            end
        end
        if acl.pattern == nil then
            error(who .. ": " .. kind .. "[" .. i .. "] has no pattern", 0)
        end
    end
end

-- Checks the shape of the ACL lists, then caches them for (mountpoint, client_id).
-- A malformed list is a Lua error (the login then falls through as "next" and is logged);
-- finer checks (QoS range, pattern syntax, modifiers) are auth_cache.insert's, which logs a
-- bad ACL and makes it match nothing.
function auth.cache_insert(mountpoint, client_id, username, publish_acl, subscribe_acl)
    if type(mountpoint) ~= "string" or type(client_id) ~= "string" or type(username) ~= "string" then
        error("auth_commons.cache_insert: mountpoint, client_id and username must be strings", 0)
    end
    local who = "ACL of user '" .. username .. "'"
    check_acl_list(publish_acl, "publish_acl", who)
    check_acl_list(subscribe_acl, "subscribe_acl", who)
    return auth_cache.insert(mountpoint, client_id, username, publish_acl, subscribe_acl)
end

-- An ACL column or field: a JSON text (SQL, Redis) or an already decoded array (MongoDB).
function auth.decode_acl(value, kind, username)
    if value == nil then
        return nil
    end
    if type(value) == "table" then
        return value
    end
    local decoded = json.decode(value)
    if decoded == nil then
        error("ACL of user '" .. username .. "': " .. kind .. " is not valid JSON", 0)
    end
    return decoded
end

----------------------------------------------------------------------------------------------
-- The login rule
----------------------------------------------------------------------------------------------

-- The client's credentials, or nil when it did not give both a username and a password.
-- The password goes through obf.decrypt, which returns a plain password unchanged.
function auth.credentials(reg)
    if type(reg.username) ~= "string" or type(reg.password) ~= "string" then
        return nil
    end
    return reg.username, obf.decrypt(reg.password)
end

-- The verdict of a lookup. `entries` is a list of the user's entries (rows, documents) for
-- this mountpoint whose client_id is the client's or '*', each
--   { client_id = "...", verified = true|false, publish_acl = ..., subscribe_acl = ... }.
-- The first verified entry whose client_id is the client's own wins, else the first
-- verified '*' entry (the user's default). Its ACLs are cached and the client admitted.
-- No entry at all: unknown user (next). Entries, none verified: wrong password (false).
function auth.login(db, reg, entries)
    if #entries == 0 then
        return auth.no_opinion(db)
    end
    local chosen = nil
    for _, entry in ipairs(entries) do
        if entry.verified and entry.client_id ~= "*" then
            chosen = entry
            break
        end
        if entry.verified and chosen == nil then
            chosen = entry
        end
    end
    if chosen == nil then
        return false
    end
    auth.cache_insert(reg.mountpoint, reg.client_id, reg.username,
        auth.decode_acl(chosen.publish_acl, "publish_acl", reg.username),
        auth.decode_acl(chosen.subscribe_acl, "subscribe_acl", reg.username))
    return true
end

-- bcrypt check done in the broker: `hash` is the stored $2a$/$2b$/$2y$ hash.
function auth.bcrypt_verifies(password, hash)
    if type(hash) ~= "string" then
        return false
    end
    local ok, computed = pcall(bcrypt.hashpw, password, hash)
    return ok and computed == hash
end

----------------------------------------------------------------------------------------------
-- The hooks table of a database script
----------------------------------------------------------------------------------------------

-- auth_on_register_m5 is auth_on_register (the MQTT 5 properties are not used).
-- auth_on_publish/subscribe[_m5] are only reached for clients the auth cache does not know:
-- that this script did not admit, or whose entry expired (TTL) or was invalidated. They are
-- registered with either policy, so that the broker knows these hook points are guarded: with
-- "next" they have no opinion (another handler may allow; when none does, the exhausted chain
-- is denied unless broker.no_match is allow), with "deny" they answer false, as in vmq_diversity.
-- Without them an invalidated client would be asked by nobody and allowed everything.
function auth.hooks(db, auth_on_register)
    local function uncached()
        return auth.no_opinion(db)
    end
    return {
        auth_on_register = auth_on_register,
        auth_on_register_m5 = function(reg) return auth_on_register(reg) end,
        auth_on_publish = uncached,
        auth_on_publish_m5 = uncached,
        auth_on_subscribe = uncached,
        auth_on_subscribe_m5 = uncached,
    }
end

-- A failed database call: a Lua error, which the engine logs and counts as "next".
function auth.db_failed(db, what)
    error("auth/" .. db .. ".lua: " .. what .. " failed (see the " .. db .. " provider's log)", 0)
end

return auth
