// Every authorization hook queries a backend that is down (the test provider `offline_db`
// raises an error, as a provider does when its pool cannot connect), so every call errors.
function queryFirst(_) {
    offline_db.execute("SELECT 1");
    return true;
}

var hooks = {
    auth_on_register: queryFirst,
    auth_on_publish: queryFirst,
    auth_on_subscribe: queryFirst,
    auth_on_register_m5: queryFirst,
    auth_on_publish_m5: queryFirst,
    auth_on_subscribe_m5: queryFirst,
    on_auth_m5: queryFirst,
};
