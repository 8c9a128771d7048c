-- One state; a call of client "hold" keeps it busy inside the gate provider.
num_states = 1
hooks = { auth_on_publish = function(pub) if pub.client_id == "hold" then gate.hold() end return true end }
