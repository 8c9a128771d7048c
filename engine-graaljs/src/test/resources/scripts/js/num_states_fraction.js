var num_states = 1.5;
var hooks = {};
