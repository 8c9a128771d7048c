-- Three states; each reports its instance id when it runs the file and when it is called.
num_states = 3
probe.hit("loaded", __SCRIPT_INSTANCE_ID__)
hooks = { auth_on_publish = function() return {topic = "id/" .. __SCRIPT_INSTANCE_ID__} end }
