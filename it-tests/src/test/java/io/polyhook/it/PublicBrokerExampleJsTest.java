package io.polyhook.it;

import java.nio.file.Path;

/** The public-broker example in JavaScript passes the same tests as the Lua one. */
class PublicBrokerExampleJsTest extends PublicBrokerExampleTest {

    @Override
    Path script() {
        return Path.of("..", "examples", "public-broker", "public_broker.js");
    }
}
