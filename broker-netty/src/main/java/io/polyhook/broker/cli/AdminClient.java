package io.polyhook.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polyhook.broker.config.AdminToken;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Talks to a running broker's admin API. Failures come back as {@link AdminException} with the
 * server's own {@code error} message, which is what the user needs to see.
 */
final class AdminClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final Optional<AdminToken> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * A client of the API at {@code address}: {@code host:port} or {@code http://host:port};
     * every request carries {@code token}, if given.
     */
    AdminClient(String address, Optional<AdminToken> token) {
        this.base = address.startsWith("http://") || address.startsWith("https://") ? address : "http://" + address;
        this.token = token;
    }

    JsonNode get(String path) throws AdminException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    JsonNode post(String path, Map<String, ?> body) throws AdminException {
        try {
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        } catch (IOException e) {
            throw new AdminException("cannot encode the request: " + e.getMessage());
        }
    }

    private URI uri(String path) throws AdminException {
        try {
            return URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new AdminException("not a valid admin address: " + base);
        }
    }

    private JsonNode send(HttpRequest.Builder request) throws AdminException {
        HttpResponse<byte[]> response;
        token.ifPresent(t -> request.header("Authorization", t.authorizationHeader()));
        try {
            response = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AdminException("cannot reach the admin API at " + base + " (" + why(e)
                    + "): is the broker running, and is --admin its admin.address?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (response.statusCode() / 100 != 2) {
            String message = body != null && body.hasNonNull("error") ? body.get("error").asText()
                    : "HTTP " + response.statusCode();
            throw new AdminException(message);
        }
        if (body == null) {
            throw new AdminException("the admin API answered something that is not JSON");
        }
        return body;
    }

    /** Why a connection failed, in words, without the exception's class or stack. */
    static String why(IOException e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (c instanceof java.net.http.HttpTimeoutException) {
                return "timed out";
            }
            if (c instanceof java.nio.channels.UnresolvedAddressException || c instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
        }
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.replaceAll("\\s+", " ");
    }

    /** The request failed; the message is the server's, or says why the server was not reached. */
    static final class AdminException extends Exception {
        private static final long serialVersionUID = 1L;

        AdminException(String message) {
            super(message);
        }
    }
}
