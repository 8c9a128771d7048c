// The public test broker of the vmq_diversity announcement, in JavaScript: the same rules as
// public_broker.lua, with the same libraries (kv, log, obf), to show that a script can be written
// in either language. Load one of the two, not both.

// One context: every counter update is then serialized, so concurrent connects cannot race.
var num_states = 1;

const max_conns_per_ip = 5;
const superusers = {"bob": "bobsecret", "alice": "alicesecret"};
const tab = "client-counters";
kv.ensure_table({name: tab});

function name(user) {
    return user === undefined ? "(anonymous)" : user;
}

// the number of connections from this IP address
function current_conns(ip) {
    const ret = kv.lookup(tab, ip);
    return ret.length > 0 ? ret[0] : 0;
}

function count_connection(reg) {
    if (kv.lookup(tab, reg.client_id).length > 0) {
        return; // a reconnect or takeover of a client we already count
    }
    kv.insert(tab, {[reg.addr]: current_conns(reg.addr) + 1, [reg.client_id]: reg.addr});
}

function auth_on_register(reg) {
    const nr_of_conns = current_conns(reg.addr);
    if (kv.lookup(tab, reg.client_id).length === 0 && !(nr_of_conns < max_conns_per_ip)) {
        log.warning("CAN'T REGISTER: ip: " + reg.addr + " user: " + name(reg.username)
            + " client: " + reg.client_id + " due to max_conns_exceeded");
        return false;
    }
    const pwd = reg.username === undefined ? undefined : superusers[reg.username];
    if (pwd !== undefined) {
        // a superuser tries to log in; one with a wrong password is always denied
        if (obf.decrypt(reg.password === undefined ? "" : reg.password) === pwd) {
            log.info("REGISTER SUPERUSER: ip: " + reg.addr + " user: " + reg.username + " client: " + reg.client_id);
            count_connection(reg);
            return true;
        }
        log.warning("WRONG SUPERUSER PASSWORD: ip: " + reg.addr + " user: " + reg.username + " client: " + reg.client_id);
        return false;
    }
    log.info("REGISTER: ip: " + reg.addr + " user: " + name(reg.username) + " client: " + reg.client_id);
    count_connection(reg);
    return true;
}

function auth_on_publish(pub) {
    log.info("PUBLISH: client: " + pub.client_id + " topic: " + pub.topic + " qos: " + pub.qos);
    return true;
}

function auth_on_subscribe(sub) {
    let logline = "SUBSCRIBE: client: " + sub.client_id;
    for (const [topic, requested] of sub.topics) {
        const qos = Array.isArray(requested) ? requested[0] : requested; // MQTT 5: [qos, subopts]
        logline += " topic: " + topic + " qos: " + qos;
        if ((topic.startsWith("$SYS") || topic === "#")
                && (sub.username === undefined || superusers[sub.username] === undefined)) {
            log.warning("NOT-ALLOWED-" + logline);
            return false;
        }
    }
    log.info(logline);
    return true;
}

// clean up counters if required; returns the new connection count for this IP address
function cleanup_counters(c) {
    const found = kv.lookup(tab, c.client_id);
    if (found.length === 0) {
        return 0; // already cleaned up, or never counted
    }
    const ip = found[0];
    const nr_of_conns = current_conns(ip);
    kv.delete(tab, c.client_id);
    if (nr_of_conns <= 1) {
        kv.delete(tab, ip);
        return 0;
    }
    kv.insert(tab, {[ip]: nr_of_conns - 1});
    return nr_of_conns - 1;
}

function on_client_offline(c) {
    log.info("OFFLINE: client: " + c.client_id + " connections left from its ip: " + cleanup_counters(c));
}

function on_client_gone(c) {
    log.info("GONE: client: " + c.client_id + " connections left from its ip: " + cleanup_counters(c));
}

var hooks = {
    auth_on_register: auth_on_register,
    auth_on_register_m5: auth_on_register,
    auth_on_publish: auth_on_publish,
    auth_on_publish_m5: auth_on_publish,
    auth_on_subscribe: auth_on_subscribe,
    auth_on_subscribe_m5: auth_on_subscribe,
    on_client_offline: on_client_offline,
    on_client_gone: on_client_gone,
};
