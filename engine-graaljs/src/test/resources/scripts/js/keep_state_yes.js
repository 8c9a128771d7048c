var keep_state = 'yes';
var hooks = {};
