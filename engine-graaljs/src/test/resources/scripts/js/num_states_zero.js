var num_states = 0;
var hooks = {};
