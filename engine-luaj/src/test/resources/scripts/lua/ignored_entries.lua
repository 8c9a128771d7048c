hooks = {
    auth_on_publish = function(pub) return true end,
    auth_on_subscribe = "not a function",
    on_register = 42,
    not_a_hook = function() end,
}
