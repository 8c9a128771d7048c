// Three contexts; each reports its instance id when it runs the file and when it is called.
var num_states = 3;
probe.hit("loaded", __SCRIPT_INSTANCE_ID__);
var hooks = { auth_on_publish() { return {topic: "id/" + __SCRIPT_INSTANCE_ID__}; } };
