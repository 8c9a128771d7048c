-- kv (vmq_diversity ets_test.lua, reference §2.3 and §4.3): every top-level assert must hold.
hooks = {}

assert(kv.ensure_table({ name = "kv_test" }) == true, "ensure_table returns true")
assert(kv.delete_all("kv_test") == true, "delete_all returns true")
assert(kv.insert("kv_test", { hello = "world" }) == true, "insert {hello=world} returns true")
assert(kv.insert_new("kv_test", { hello = "earth" }) == false, "insert_new of an existing key returns false")
assert(kv.insert("kv_test", { hello = "earth" }) == true, "insert over an existing key returns true")

local found = kv.lookup("kv_test", "hello")
assert(type(found) == "table" and #found == 1, "lookup of hello gives one value")
assert(found[1] == "earth", "lookup of hello gives the overwritten value earth")

assert(kv.insert("kv_test", { a = { b = { c = { d = "hello" } } } }) == true, "insert of a nested table returns true")
local nested = kv.lookup("kv_test", "a")
assert(#nested == 1 and type(nested[1]) == "table", "lookup of a gives one table")
assert(nested[1].b.c.d == "hello", "lookup of a gives the nested table back")

assert(kv.delete("kv_test", "a") == true, "delete of a returns true")
assert(kv.delete("kv_test", "hello") == true, "delete of hello returns true")
assert(#kv.lookup("kv_test", "a") == 0, "a is gone after delete")
assert(#kv.lookup("kv_test", "hello") == 0, "hello is gone after delete")
