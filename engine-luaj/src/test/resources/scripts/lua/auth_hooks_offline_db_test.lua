-- Every authorization hook queries a backend that is down (the test provider `offline_db`
-- raises an error, as a provider does when its pool cannot connect), so every call errors.
local function query_first(_)
    offline_db.execute("SELECT 1")
    return true
end

hooks = {
    auth_on_register = query_first,
    auth_on_publish = query_first,
    auth_on_subscribe = query_first,
    auth_on_register_m5 = query_first,
    auth_on_publish_m5 = query_first,
    auth_on_subscribe_m5 = query_first,
    on_auth_m5 = query_first,
}
