hooks = {}
local x = = 1
