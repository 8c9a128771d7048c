hooks = {
    auth_on_publish = function(pub)
        if pub.client_id == "spin" then
            while true do end
        end
        return true
    end,
}
