-- Polyhook bundled authentication: CockroachDB (reference: vmq_diversity auth/cockroachdb.lua).
--
-- Table: the same vmq_auth_acl as postgres.lua (docs/auth.md):
--   CREATE TABLE vmq_auth_acl (
--     mountpoint    varchar(10)  NOT NULL,
--     client_id     varchar(128) NOT NULL,     -- '*': the user's default for any client id
--     username      varchar(128) NOT NULL,
--     password      varchar(128),
--     publish_acl   json,
--     subscribe_acl json,
--     PRIMARY KEY (mountpoint, client_id, username));
--
-- Password check, by providers.cockroachdb.password_hash_method (cockroachdb.hash_method()):
--   bcrypt (default) in the broker: the stored $2a$ hash is checked with bcrypt.hashpw;
--   sha256 in the server: password = sha256(<given>), CockroachDB's hex digest (unsalted).
-- The pool "auth_cockroachdb" takes host, port, ssl, ... from the providers.cockroachdb config
-- (TLS is on by default for CockroachDB).

local auth = require "auth/auth_commons"

local DB = "cockroachdb"
local POOL = "auth_cockroachdb"

cockroachdb.ensure_pool{pool_id = POOL}

local SHA256_LOOKUP = [[
    SELECT client_id, publish_acl, subscribe_acl,
           coalesce(password = sha256($4), false) AS verified
      FROM vmq_auth_acl
     WHERE mountpoint = $1 AND (client_id = $2 OR client_id = '*') AND username = $3]]

local BCRYPT_LOOKUP = [[
    SELECT client_id, password, publish_acl, subscribe_acl
      FROM vmq_auth_acl
     WHERE mountpoint = $1 AND (client_id = $2 OR client_id = '*') AND username = $3]]

local function auth_on_register(reg)
    local username, password = auth.credentials(reg)
    if username == nil then
        return auth.no_opinion(DB)
    end
    local rows
    if cockroachdb.hash_method() == "sha256" then
        rows = cockroachdb.execute(POOL, SHA256_LOOKUP, reg.mountpoint, reg.client_id, username, password)
        if type(rows) ~= "table" then auth.db_failed(DB, "the user lookup") end
    else
        rows = cockroachdb.execute(POOL, BCRYPT_LOOKUP, reg.mountpoint, reg.client_id, username)
        if type(rows) ~= "table" then auth.db_failed(DB, "the user lookup") end
        for _, row in ipairs(rows) do
            row.verified = auth.bcrypt_verifies(password, row.password)
        end
    end
    return auth.login(DB, reg, rows)
end

hooks = auth.hooks(DB, auth_on_register)
