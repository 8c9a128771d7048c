-- Values cross the provider boundary and come back as they went.
local function same(a, b)
    if type(a) ~= type(b) then return false end
    if type(a) ~= "table" then return a == b end
    for k, v in pairs(a) do if not same(v, b[k]) then return false end end
    for k, v in pairs(b) do if not same(v, a[k]) then return false end end
    return true
end

local values = {"text", "", 42, -7, 1.5, true, false, {1, 2, 3}, {a = 1, b = {c = "d"}}, {}, "\255\0binary"}
for _, v in ipairs(values) do
    assert(same(probe.echo(v), v), "echo of " .. tostring(v))
end
assert(probe.echo(nil) == nil)
assert(math.type == nil or true)
assert(probe.args(1, nil, 3) == 3)

local ok, err = pcall(probe.fail, "backend down")
assert(not ok)
assert(string.find(err, "backend down", 1, true), err)

hooks = {
    auth_on_publish = function(pub)
        assert(probe.echo(pub.payload) == "hello world")
        return true
    end,
}
