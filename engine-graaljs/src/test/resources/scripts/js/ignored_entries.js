var hooks = {
    auth_on_publish(pub) { return true; },
    auth_on_subscribe: "not a function",
    on_register: 42,
    not_a_hook() { },
};
