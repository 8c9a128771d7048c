-- Test stand-in for "another authentication plugin", loaded after a bundled auth script:
-- it admits the user "guest" (any password) and lets it publish under guest/, and has no
-- opinion on anybody or anything else. A guest that gets in, or publishes under guest/,
-- proves the auth script answered "next" for a client it does not know.
function auth_on_register(reg)
    if reg.username == "guest" then
        return true
    end
end

function auth_on_publish(pub)
    if pub.username == "guest" and string.sub(pub.topic, 1, 6) == "guest/" then
        return true
    end
end

hooks = {
    auth_on_register = auth_on_register,
    auth_on_register_m5 = auth_on_register,
    auth_on_publish = auth_on_publish,
    auth_on_publish_m5 = auth_on_publish,
}
