-- The default script: logs who connects and who goes away, and decides nothing.
--
-- Every hook returns nothing ("next"), so the broker's own defaults apply. Replace or extend it;
-- the scripting guide (docs/scripting.md) lists every hook and library.

function on_register(reg)
    log.info("connected: client " .. reg.client_id .. " from " .. reg.addr .. ":" .. reg.port
        .. " as " .. (reg.username or "(anonymous)"))
end

function on_client_gone(c)
    log.info("gone: client " .. c.client_id)
end

function on_client_offline(c)
    log.info("offline (session kept): client " .. c.client_id)
end

hooks = {
    on_register = on_register,
    on_register_m5 = on_register,
    on_client_gone = on_client_gone,
    on_client_offline = on_client_offline,
}
