-- Polyhook bundled authentication: PostgreSQL (reference: vmq_diversity auth/postgres.lua).
--
-- Table (docs/auth.md has the full walk-through):
--   CREATE EXTENSION IF NOT EXISTS pgcrypto;   -- for password_hash_method crypt
--   CREATE TABLE vmq_auth_acl (
--     mountpoint    varchar(10)  NOT NULL,
--     client_id     varchar(128) NOT NULL,     -- '*': the user's default for any client id
--     username      varchar(128) NOT NULL,
--     password      varchar(128),
--     publish_acl   json,
--     subscribe_acl json,
--     PRIMARY KEY (mountpoint, client_id, username));
--
-- Password check, by providers.postgres.password_hash_method (postgres.hash_method()):
--   crypt  (default) in the server: password = crypt(<given>, password), needs pgcrypto;
--   bcrypt in the broker: the stored $2a$ hash is checked with bcrypt.hashpw.
-- The pool "auth_postgres" takes host, port, user, ... from the providers.postgres config.

local auth = require "auth/auth_commons"

local DB = "postgres"
local POOL = "auth_postgres"

postgres.ensure_pool{pool_id = POOL}

-- crypt: the server checks the password; the row says whether it verified.
local CRYPT_LOOKUP = [[
    SELECT client_id, publish_acl, subscribe_acl,
           coalesce(password = crypt($4, password), false) AS verified
      FROM vmq_auth_acl
     WHERE mountpoint = $1 AND (client_id = $2 OR client_id = '*') AND username = $3]]

-- bcrypt: the server returns the hash; the broker checks it.
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
    if postgres.hash_method() == "bcrypt" then
        rows = postgres.execute(POOL, BCRYPT_LOOKUP, reg.mountpoint, reg.client_id, username)
        if type(rows) ~= "table" then auth.db_failed(DB, "the user lookup") end
        for _, row in ipairs(rows) do
            row.verified = auth.bcrypt_verifies(password, row.password)
        end
    else
        rows = postgres.execute(POOL, CRYPT_LOOKUP, reg.mountpoint, reg.client_id, username, password)
        if type(rows) ~= "table" then auth.db_failed(DB, "the user lookup") end
    end
    return auth.login(DB, reg, rows)
end

hooks = auth.hooks(DB, auth_on_register)
