-- Test stand-in for "another authentication plugin", loaded after a bundled auth script:
-- it admits the user "guest" (any password) and has no opinion on anybody else. A guest
-- that gets in proves the auth script answered "next" for a user it does not know.
function auth_on_register(reg)
    if reg.username == "guest" then
        return true
    end
end

hooks = {auth_on_register = auth_on_register, auth_on_register_m5 = auth_on_register}
