-- json (vmq_diversity json_test.lua, reference §2.5 and §4.3): encode results are compared as
-- exact strings, so output must be compact with object keys sorted. Polyhook's deliberate
-- difference (providers/core/DIFFERENCES.md): JSON null decodes to nil, not "null".
hooks = {}

local function round_trip(text)
    local value = json.decode(text)
    assert(type(value) == "table", "decode of " .. text .. " gives a table")
    local again = json.encode(value)
    assert(again == text, "round trip of " .. text .. " gave " .. tostring(again))
    return value
end

local obj = round_trip('{"awesome":true,"format":"json"}')
assert(obj.awesome == true and obj.format == "json", "object members decode to true and json")

local list = round_trip('["a","list","of","words"]')
assert(#list == 4 and list[1] == "a" and list[4] == "words", "array decodes to a Lua array")

local deep = round_trip('{"a":{"b":{"c":"hello","d":[1,2,3,4,5]}}}')
assert(deep.a.b.c == "hello", "nested object member")
assert(#deep.a.b.d == 5 and deep.a.b.d[5] == 5, "nested array")
assert(math.type == nil or math.type(deep.a.b.d[1]) ~= "float", "integers decode to integers")

local empty = round_trip('{}')
assert(next(empty) == nil, "{} decodes to an empty table")

local mixed = round_trip('{"a":[{"b":{}}]}')
assert(#mixed.a == 1 and next(mixed.a[1].b) == nil, "array holding an object holding an empty object")

local from_array = json.decode('{"a":[]}')
assert(type(from_array.a) == "table" and next(from_array.a) == nil, '{"a":[]} decodes to a table with empty a')
local from_object = json.decode('{"a":{}}')
assert(type(from_object.a) == "table" and next(from_object.a) == nil, '{"a":{}} decodes to a table with empty a')
assert(json.encode({ a = {} }) == '{"a":{}}', "an empty table encodes as {}, never []")
assert(json.encode({}) == '{}', "the empty table encodes as {}")

-- Keys sorted, compact output, built from Lua rather than decoded.
assert(json.encode({ z = 1, a = "x", m = false }) == '{"a":"x","m":false,"z":1}', "keys sorted, no spaces")

-- Our difference: null is nil (absent member, hole in an array).
local with_null = json.decode('{"a":null,"b":1}')
assert(type(with_null) == "table", "object with null decodes")
assert(with_null.a == nil, "null member decodes to nil (vmq_diversity: the string \"null\")")
assert(with_null.b == 1, "other members survive a null")
assert(json.encode(with_null) == '{"b":1}', "a null member is absent when encoded again")
local holes = json.decode('[1,null,3]')
assert(holes[1] == 1 and holes[2] == nil and holes[3] == 3, "null in an array leaves a hole")

-- Invalid JSON decodes to nil (not false), trailing text included.
assert(json.decode('{"a":') == nil, "invalid JSON decodes to nil")
assert(json.decode('{} x') == nil, "trailing text is invalid")
assert(not pcall(json.encode, 42), "encode of a non-table is an error")
