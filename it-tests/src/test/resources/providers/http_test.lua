-- http (vmq_diversity http_test.lua, reference §2.6 and §4.3), against the echo server that
-- LuaLibrariesTest starts; it replaces @HTTP_URL@ with that server's base URL. The server
-- answers /echo with "<METHOD> <path> x-test=<header> body=<body>" and header x-echo: echoed,
-- and anything else with 404.
hooks = {}

local base = "@HTTP_URL@"
local pool = "http_test"
http.ensure_pool({ pool_id = pool })

-- The vmq_diversity call: body and header table.
local r = http.post(pool, base .. "/echo", "hello body", { ["x-test"] = "yes" })
assert(type(r) == "table", "post gives a response table")
assert(r.status == 200, "post status is 200, got " .. tostring(r.status))
assert(r.ref == "POST /echo x-test=yes body=hello body", "post echo, got " .. tostring(r.ref))
assert(http.body(r.ref) == r.ref, "body(ref) == ref")
assert(type(r.headers) == "table" and r.headers["x-echo"] == "echoed", "response header names are lower-case")

-- Headers without a body: vmq_diversity's "" body, and Polyhook's nil body.
local g = http.get(pool, base .. "/echo", "", { ["x-test"] = "empty-body" })
assert(g and g.ref == "GET /echo x-test=empty-body body=", "get with \"\" body and headers, got " .. tostring(g and g.ref))
local n = http.get(pool, base .. "/echo", nil, { ["x-test"] = "nil-body" })
assert(n and n.ref == "GET /echo x-test=nil-body body=", "get with nil body and headers, got " .. tostring(n and n.ref))

-- A table body is sent form-url-encoded.
local f = http.put(pool, base .. "/echo", { name = "a b" })
assert(f and (f.ref == "PUT /echo x-test= body=name=a+b" or f.ref == "PUT /echo x-test= body=name=a%20b"),
    "form body, got " .. tostring(f and f.ref))

local d = http.delete(pool, base .. "/echo")
assert(d and d.status == 200 and d.ref == "DELETE /echo x-test= body=", "delete, got " .. tostring(d and d.ref))

-- Non-2xx is not an error; a transport failure is false; an unknown pool is an error.
local missing = http.get(pool, base .. "/missing")
assert(type(missing) == "table" and missing.status == 404, "404 comes back as a response")
assert(http.get(pool, "http://127.0.0.1:1/") == false, "a refused connection gives false")
assert(not pcall(http.get, "no_such_pool", base .. "/echo"), "an unknown pool is an error")
