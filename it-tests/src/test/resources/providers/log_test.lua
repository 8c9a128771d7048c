-- log (vmq_diversity log_test.lua, reference §2.4 and §4.3): ~ is not a format directive, and
-- (Polyhook, providers/core/DIFFERENCES.md) neither are {} and %.
hooks = {}

local text = "log_test: ~p ~s ~~ ~n {} {}{} %s %d 100% done"
for _, level in ipairs({ "info", "error", "debug", "warning" }) do
    local ok, err = pcall(log[level], text)
    assert(ok, "log." .. level .. " with ~, {} and % in the text fails: " .. tostring(err))
end
-- vmq_diversity returns no values; Polyhook returns one nil (ProviderCall maps null to nil).
assert(log.info("log_test: returns nil") == nil, "log.info returns nil")
log.info("log_test: ~")
log.info("log_test: {}")
log.warning("log_test: trailing tilde ~")
assert(not pcall(log.info, { "not", "a", "string" }), "a table argument is an error")
