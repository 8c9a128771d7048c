// Reference §4 balancer: many contexts, each call reports which one answered.
var num_states = 100;
var keep_state = false;

var hooks = {
    auth_on_publish(pub) {
        probe.hit("balance", __SCRIPT_INSTANCE_ID__);
        return true;
    },
};
