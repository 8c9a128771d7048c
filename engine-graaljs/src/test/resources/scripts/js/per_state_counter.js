// Four contexts that keep their globals; each counts its own calls.
var num_states = 4;
var keep_state = true;
var calls = 0;
var hooks = { auth_on_publish(pub) { calls++; return {topic: "t/" + __SCRIPT_INSTANCE_ID__ + "/" + calls}; } };
