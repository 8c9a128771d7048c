// devices.lua in JavaScript; devices.test.yaml tests both.
postgres.ensure_pool({pool_id: "devices"});

const LOOKUP = "SELECT token_hash FROM devices WHERE client_id = $1";

var hooks = {
    auth_on_register(reg) {
        if (reg.username !== "device") return;                    // the next script decides
        const rows = postgres.execute("devices", LOOKUP, reg.client_id);
        if (rows.length === 0) return deny("not_authorized", "unknown device");
        const hash = rows[0].token_hash;
        return reg.password !== undefined && bcrypt.hashpw(reg.password, hash) === hash;
    },
    auth_on_publish(pub) {
        if (pub.username !== "device") return;
        return {topic: "devices/" + pub.client_id + "/" + pub.topic};
    },
};
