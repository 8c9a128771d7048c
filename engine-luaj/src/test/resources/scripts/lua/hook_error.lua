-- A hook that fails with the password in its message; the engine must not let it reach a log.
hooks = {
    auth_on_register = function(reg)
        error("boom: wrong password " .. reg.password)
    end,
    on_deliver = function(pub)
        error("boom")
    end,
}
