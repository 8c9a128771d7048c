// Hands the argument of every hook, as the script sees it, to probe.hit (EngineScenarios).
var hooks = {};
for (const name of [
    "auth_on_register", "auth_on_register_m5", "on_auth_m5", "on_register", "on_register_m5", "auth_on_publish",
    "auth_on_publish_m5", "on_publish", "on_publish_m5", "auth_on_subscribe", "auth_on_subscribe_m5", "on_subscribe",
    "on_subscribe_m5", "on_unsubscribe", "on_unsubscribe_m5", "on_deliver", "on_deliver_m5", "on_offline_message",
    "on_client_wakeup", "on_client_offline", "on_client_gone", "on_session_expired"]) {
    hooks[name] = arg => { probe.hit(name, arg); };
}
