package io.polyhook.broker.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dispatches by exact path and method, reads JSON bodies, and writes every answer (errors too)
 * as JSON. Kept deliberately small: a handful of fixed routes needs no framework.
 */
final class Router implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MAX_BODY = 64 * 1024;

    private final Map<String, Map<String, Endpoint>> routes = new TreeMap<>();
    private AccessCheck access;

    /** Checks every request with {@code check} before routing it. */
    void access(AccessCheck check) {
        access = check;
    }

    Router get(String path, Endpoint endpoint) {
        return route("GET", path, endpoint);
    }

    Router post(String path, Endpoint endpoint) {
        return route("POST", path, endpoint);
    }

    private Router route(String method, String path, Endpoint endpoint) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, endpoint);
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getPath();
            if (path.length() > 1 && path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            try {
                if (access != null) {
                    access.check(exchange);
                }
                Map<String, Endpoint> byMethod = routes.get(path);
                if (byMethod == null) {
                    throw ApiException.notFound("no such endpoint: " + path);
                }
                Endpoint endpoint = byMethod.get(method);
                if (endpoint == null) {
                    exchange.getResponseHeaders().set("Allow", String.join(", ", byMethod.keySet()));
                    throw new ApiException(405, method + " is not allowed on " + path + " (allowed: "
                            + String.join(", ", byMethod.keySet()) + ")");
                }
                JsonNode body = method.equals("POST") ? body(exchange) : JsonNodeFactory.instance.objectNode();
                Object answer = endpoint.handle(new ApiRequest(query(exchange.getRequestURI().getRawQuery()), body));
                if (answer instanceof Endpoint.PlainText text) {
                    send(exchange, 200, text.contentType(), text.body().getBytes(StandardCharsets.UTF_8));
                } else {
                    sendJson(exchange, 200, answer);
                }
            } catch (ApiException e) {
                sendJson(exchange, e.status(), Map.of("error", e.getMessage()));
            } catch (RuntimeException | Error e) {
                // An Error too: this request fails, the API goes on (the next request gets a fresh thread).
                LOG.warn("admin API: {} {} failed", method, path, e);
                sendJson(exchange, 500, Map.of("error", "internal error: " + e.getClass().getSimpleName()));
            }
        }
    }

    /**
     * The request body as a JSON object. Requiring {@code application/json} is also what keeps a
     * web page from posting here: a browser sends that type cross-origin only after a CORS
     * preflight, which this API never answers.
     */
    private static JsonNode body(HttpExchange exchange) throws IOException, ApiException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "POST bodies must be JSON (Content-Type: application/json)");
        }
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new ApiException(413, "request body larger than " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("body must be a JSON object");
        }
        return node;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void sendJson(HttpExchange exchange, int status, Object value) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(value);
        send(exchange, status, "application/json; charset=utf-8", bytes);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
