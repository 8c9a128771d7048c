// Values cross the provider boundary and come back as they went.
function assert(condition, message) {
    if (!condition) throw new Error("assertion failed: " + message);
}

function same(a, b) {
    if (typeof a !== typeof b) return false;
    if (a === null || b === null) return a === b;
    if (a instanceof Uint8Array) {
        return b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
    }
    if (typeof a !== "object") return a === b;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every(k => same(a[k], b[k]));
}

const values = ["text", "", 42, -7, 1.5, true, false, [1, 2, 3], {a: 1, b: {c: "d"}}, {}, [],
    new Uint8Array([255, 0, 98])];
for (const v of values) {
    assert(same(probe.echo(v), v), "echo of " + JSON.stringify(v));
}
assert(probe.echo(null) === null, "echo of null");
assert(probe.echo(undefined) === null, "echo of undefined is null");
assert(probe.echo(2 ** 40) === 2 ** 40, "echo of a large integer");
assert(probe.args(1, null, 3) === 3, "args");

let caught = null;
try {
    probe.fail("backend down");
} catch (e) {
    caught = e;
}
assert(caught instanceof Error, "a provider error is an Error");
assert(caught.message.includes("backend down"), caught && caught.message);

let bad = null;
try {
    probe.echo(function () { });
} catch (e) {
    bad = e;
}
assert(bad instanceof TypeError && bad.message.includes("bad argument #1"), "a function is no model value");

var hooks = {
    auth_on_publish(pub) {
        assert(probe.echo(pub.payload) === "hello world", "payload round trip");
        return true;
    },
};
