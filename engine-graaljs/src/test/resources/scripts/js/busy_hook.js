var hooks = {
    auth_on_publish(pub) {
        if (pub.client_id === "spin") {
            while (true) { }
        }
        return true;
    },
};
