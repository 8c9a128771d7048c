-- obf (reference §2.14; format per providers/core/DIFFERENCES.md).
hooks = {}

local secret = "my-secret-password"
local hidden = obf.encrypt(secret)
assert(type(hidden) == "string", "encrypt gives a string")
assert(hidden ~= secret, "encrypt hides the value")
assert(hidden:sub(1, 4) == "obf:", "encrypted values start with obf:")
assert(not hidden:find(secret, 1, true), "the plain text does not appear in the encrypted value")
assert(obf.decrypt(hidden) == secret, "decrypt gives the plain text back")
local again = obf.encrypt(secret)
assert(again ~= hidden, "two encryptions of one value differ (random IV)")
assert(obf.decrypt(again) == secret, "the second encryption decrypts too")

assert(obf.decrypt("plain text") == "plain text", "plain text passes through decrypt")
assert(obf.decrypt("") == "", "the empty string passes through")
assert(obf.decrypt("obf:not-base64!") == "obf:not-base64!", "an undecryptable obf: value passes through")
local tampered = hidden:sub(1, -3) .. (hidden:sub(-2, -2) == "A" and "B" or "A") .. hidden:sub(-1)
assert(obf.decrypt(tampered) == tampered, "a tampered value passes through")
assert(obf.decrypt(obf.encrypt("")) == "", "the empty string round trips")
