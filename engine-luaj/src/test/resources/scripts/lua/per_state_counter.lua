-- Four states that keep their globals; each counts its own calls.
num_states = 4
keep_state = true
calls = 0
hooks = { auth_on_publish = function(pub) calls = calls + 1 return {topic = "t/" .. __SCRIPT_INSTANCE_ID__ .. "/" .. calls} end }
