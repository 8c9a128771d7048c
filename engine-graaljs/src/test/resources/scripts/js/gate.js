// One context; a call of client "hold" keeps it busy inside the gate provider.
var num_states = 1;
var hooks = { auth_on_publish(pub) { if (pub.client_id === "hold") gate.hold(); return true; } };
