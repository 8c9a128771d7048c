var hooks = {};
