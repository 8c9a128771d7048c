// A hook that fails with the password in its message; the engine must not let it reach a log.
var hooks = {
    auth_on_register(reg) {
        throw new Error("boom: wrong password " + reg.password);
    },
    on_deliver(pub) {
        throw new Error("boom");
    },
};
