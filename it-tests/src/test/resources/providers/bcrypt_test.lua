-- bcrypt (vmq_diversity bcrypt_test.lua, reference §2.12 and §4.3). Polyhook's difference
-- (providers/core/DIFFERENCES.md): $2b$ and $2y$ hashes verify too, and hashpw keeps the
-- version prefix of the salt or hash it was given.
hooks = {}

local password = "my-password"

-- The vmq_diversity round trip.
local salt = bcrypt.gen_salt()
assert(type(salt) == "string" and #salt == 29, "gen_salt gives a 29-character salt")
assert(salt:sub(1, 4) == "$2a$", "gen_salt gives a $2a$ salt")
local hash = bcrypt.hashpw(password, salt)
assert(type(hash) == "string" and #hash == 60, "hashpw gives a 60-character hash")
assert(bcrypt.hashpw(password, hash) == hash, "the password verifies against its hash")
assert(bcrypt.hashpw("not-my-password", hash) ~= hash, "another password does not verify")

-- $2b$ and $2y$ hashes computed here from a known password (cost 4 to stay fast), with the
-- random part of the generated salt.
local random_part = salt:sub(8)
local by_version = {}
for _, version in ipairs({ "2a", "2b", "2y" }) do
    local h = bcrypt.hashpw(password, "$" .. version .. "$04$" .. random_part)
    assert(h:sub(1, 7) == "$" .. version .. "$04$", "hashpw keeps the $" .. version .. "$ prefix")
    assert(bcrypt.hashpw(password, h) == h, "a $" .. version .. "$ hash verifies")
    assert(bcrypt.hashpw("not-my-password", h) ~= h, "another password does not verify against $" .. version .. "$")
    by_version[version] = h:sub(4)
end
assert(by_version["2a"] == by_version["2b"] and by_version["2b"] == by_version["2y"],
    "for a short ASCII password the three versions give the same hash after the prefix")

-- Fixed known vectors (jBCrypt / OpenBSD test vector for "abc", with each version prefix).
local known = "06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i"
for _, version in ipairs({ "2a", "2b", "2y" }) do
    local stored = "$" .. version .. "$" .. known
    assert(bcrypt.hashpw("abc", stored) == stored, "known $" .. version .. "$ vector verifies")
    assert(bcrypt.hashpw("abd", stored) ~= stored, "known $" .. version .. "$ vector rejects another password")
end

assert(not pcall(bcrypt.hashpw, password, "not a salt"), "a second argument that is no salt is an error")
