-- Reference §4 balancer: many states, each call reports which one answered.
num_states = 100
keep_state = false

hooks = {
    auth_on_publish = function(pub)
        probe.hit("balance", __SCRIPT_INSTANCE_ID__)
        return true
    end
}
