-- Polyhook bundled authentication: MongoDB (reference: vmq_diversity auth/mongodb.lua).
--
-- Collection vmq_acl_auth, one document per (mountpoint, client_id, username):
--   { mountpoint: "", client_id: "car-1",      -- client_id "*": the user's default
--     username: "alice", passhash: "$2a$12$...",  -- bcrypt
--     publish_acl: [ {pattern: "cars/%c/#"} ], subscribe_acl: [ {pattern: "users/%u/#"} ] }
-- Suggested index: { mountpoint: 1, client_id: 1, username: 1 }, unique.
-- The pool "auth_mongodb" takes host, port, database, login, ... from the providers.mongodb config.

local auth = require "auth/auth_commons"

local DB = "mongodb"
local POOL = "auth_mongodb"
local COLLECTION = "vmq_acl_auth"

mongodb.ensure_pool{pool_id = POOL}

-- The document for this client id, or nil. find_one gives false when there is none and
-- raises an error when the server cannot be reached.
local function find(mountpoint, client_id, username)
    local doc = mongodb.find_one(POOL, COLLECTION,
        {mountpoint = mountpoint, client_id = client_id, username = username})
    if doc == false then
        return nil
    end
    return doc
end

local function auth_on_register(reg)
    local username, password = auth.credentials(reg)
    if username == nil then
        return auth.no_opinion(DB)
    end
    local entries = {}
    for _, client_id in ipairs({reg.client_id, "*"}) do
        local doc = find(reg.mountpoint, client_id, username)
        if doc ~= nil then
            entries[#entries + 1] = {
                client_id = client_id,
                verified = auth.bcrypt_verifies(password, doc.passhash),
                publish_acl = doc.publish_acl,
                subscribe_acl = doc.subscribe_acl,
            }
        end
    end
    return auth.login(DB, reg, entries)
end

hooks = auth.hooks(DB, auth_on_register)
