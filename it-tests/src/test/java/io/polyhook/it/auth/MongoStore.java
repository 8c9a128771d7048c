package io.polyhook.it.auth;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.polyhook.provider.mongodb.EmbeddedMongo;
import org.bson.Document;

/** The collection {@code vmq_acl_auth} of mongodb.lua; bcrypt password hashes. */
final class MongoStore implements AuthStore {

    static final String DATABASE = "polyhook_auth_test";

    private final EmbeddedMongo.Endpoint endpoint = EmbeddedMongo.endpoint();

    String providersYaml() {
        StringBuilder yaml = new StringBuilder("mongodb: { host: \"" + endpoint.host() + "\", port: " + endpoint.port()
                + ", database: " + DATABASE + ", pool_size: 2");
        if (!endpoint.login().isEmpty()) {
            yaml.append(", login: \"").append(endpoint.login()).append("\", password: \"").append(endpoint.password())
                    .append("\", auth_source: \"").append(endpoint.authSource()).append('"');
        }
        return yaml.append(" }").toString();
    }

    private void withCollection(java.util.function.Consumer<MongoCollection<Document>> action) {
        String credentials = endpoint.login().isEmpty() ? ""
                : java.net.URLEncoder.encode(endpoint.login(), java.nio.charset.StandardCharsets.UTF_8) + ":"
                + java.net.URLEncoder.encode(endpoint.password(), java.nio.charset.StandardCharsets.UTF_8) + "@";
        String query = endpoint.login().isEmpty() ? "" : "/?authSource=" + endpoint.authSource();
        try (MongoClient client = MongoClients.create("mongodb://" + credentials + endpoint.host() + ":"
                + endpoint.port() + query)) {
            action.accept(client.getDatabase(DATABASE).getCollection("vmq_acl_auth"));
        }
    }

    @Override
    public void reset() {
        withCollection(c -> c.deleteMany(new Document()));
    }

    @Override
    public void add(String mountpoint, String clientId, String username, String password, String publishAcl,
                    String subscribeAcl) {
        Document doc = new Document("mountpoint", mountpoint).append("client_id", clientId).append("username", username)
                .append("passhash", AuthStore.bcrypt(password))
                .append("publish_acl", Document.parse("{\"v\": " + publishAcl + "}").get("v"))
                .append("subscribe_acl", Document.parse("{\"v\": " + subscribeAcl + "}").get("v"));
        withCollection(c -> c.insertOne(doc));
    }
}
