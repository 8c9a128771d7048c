// Counts calls in a global, in a property of globalThis, and in an implicit global.
var counter = 0;
var hooks = {
    auth_on_publish(pub) {
        counter = counter + 1;
        globalThis.added = (globalThis.added || 0) + 1;
        implicit = (typeof implicit === "undefined" ? 0 : implicit) + 1;
        return {topic: "count/" + counter + "/" + globalThis.added + "/" + implicit};
    },
};
