-- Polyhook bundled authentication: MySQL / MariaDB through the `mysql2` library
-- (reference: vmq_diversity auth/mysql2.lua).
--
-- Table (docs/auth.md has the full walk-through):
--   CREATE TABLE vmq_auth_acl (
--     mountpoint    VARCHAR(10)  NOT NULL,
--     client_id     VARCHAR(128) NOT NULL,     -- '*': the user's default for any client id
--     username      VARCHAR(128) NOT NULL,
--     password      VARCHAR(128),
--     publish_acl   TEXT,                      -- JSON
--     subscribe_acl TEXT,                      -- JSON
--     PRIMARY KEY (mountpoint, client_id, username));
--
-- Password check in the server, by providers.mysql2.password_hash_method (mysql2.hash_method()
-- gives the SQL): password (sha256 is the default) PASSWORD(?), md5 MD5(?), sha1 SHA1(?),
-- sha256 SHA2(?, 256). These hashes are unsalted; PASSWORD() is gone from MySQL 8.0.11+.
-- Unlike vmq_diversity's mysql.lua, the client-specific row is always preferred to '*'.
-- The pool "auth_mysql2" takes host, port, user, ... from the providers.mysql2 config.

local auth = require "auth/auth_commons"

local DB = "mysql2"
local POOL = "auth_mysql2"

mysql2.ensure_pool{pool_id = POOL}

-- The first ? is the password inside the hash function, then mountpoint, client_id, username.
local LOOKUP = [[
    SELECT client_id, publish_acl, subscribe_acl,
           COALESCE(password = ]] .. mysql2.hash_method() .. [[, 0) AS verified
      FROM vmq_auth_acl
     WHERE mountpoint = ? AND (client_id = ? OR client_id = '*') AND username = ?]]

local function auth_on_register(reg)
    local username, password = auth.credentials(reg)
    if username == nil then
        return auth.no_opinion(DB)
    end
    local rows = mysql2.execute(POOL, LOOKUP, password, reg.mountpoint, reg.client_id, username)
    if type(rows) ~= "table" then auth.db_failed(DB, "the user lookup") end
    for _, row in ipairs(rows) do
        row.verified = row.verified == 1 or row.verified == true
    end
    return auth.login(DB, reg, rows)
end

hooks = auth.hooks(DB, auth_on_register)
