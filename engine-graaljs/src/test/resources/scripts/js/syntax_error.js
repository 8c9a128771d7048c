var hooks = {};
let x = = 1;
