-- Counts calls in a global, in one set through _G, and in one set with rawset, behind the state's back.
counter = 0
hooks = {
    auth_on_publish = function(pub)
        counter = counter + 1
        _G.through_g = (_G.through_g or 0) + 1
        rawset(_G, "raw", (rawget(_G, "raw") or 0) + 1)
        return {topic = "count/" .. counter .. "/" .. _G.through_g .. "/" .. rawget(_G, "raw")}
    end
}
