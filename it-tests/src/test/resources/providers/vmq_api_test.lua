-- vmq_api (vmq_diversity vmq_api_test.lua, reference §2.16 and §4.3).
hooks = {}

local subscriber = { mountpoint = "mp", client_id = "client-id" }
assert(vmq_api.disconnect_by_subscriber_id(subscriber, { do_cleanup = true }) == "not_found",
    "disconnect of an unknown client is not_found")
assert(vmq_api.disconnect_by_subscriber_id(subscriber, { do_cleanup = false }) == "not_found",
    "disconnect without cleanup of an unknown client is not_found")
assert(vmq_api.reauthorize_subscriptions("myuser", subscriber, {}) == "ok",
    "reauthorize_subscriptions is always ok")
assert(not pcall(vmq_api.disconnect_by_subscriber_id, { mountpoint = "mp" }, { do_cleanup = true }),
    "a subscriber id without client_id is an error")
