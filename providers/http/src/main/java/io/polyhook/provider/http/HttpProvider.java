package io.polyhook.provider.http;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.PoolRegistry;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.ProviderOptions;
import io.polyhook.core.provider.Values;
import org.slf4j.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/** The functions of the {@code http} library over the node's pools. */
final class HttpProvider {

    static final String DEFAULT_POOL = "pool_http";
    private static final Set<String> OPTIONS = Set.of("pool_id", PoolSettings.SIZE,
            PoolSettings.CONNECT_TIMEOUT, PoolSettings.REQUEST_TIMEOUT);
    private static final int BODY = 3;
    private static final int HEADERS = 4;

    private final PoolRegistry pools;
    private final PoolSettings defaults;
    private final Logger log;

    private HttpProvider(PoolRegistry pools, PoolSettings defaults, Logger log) {
        this.pools = pools;
        this.defaults = defaults;
        this.log = log;
    }

    static DataProvider create(PoolRegistry pools, PoolSettings defaults, Logger log) {
        HttpProvider http = new HttpProvider(pools, defaults, log);
        return DataProvider.builder("http")
                .function("ensure_pool", http::ensurePool)
                .function("get", args -> http.request("GET", args))
                .function("put", args -> http.request("PUT", args))
                .function("post", args -> http.request("POST", args))
                .function("delete", args -> http.request("DELETE", args))
                // The body is in the result's ref already; kept for scripts written for old
                // vmq_diversity versions, which had to fetch it.
                .function("body", args -> args.get(1))
                .build();
    }

    private Object ensurePool(Arguments args) {
        ProviderOptions options = ProviderOptions.forArgument(args, 1);
        // Not options.nonEmpty, which reports a number as "string expected": http has always said "non-empty".
        String poolId = switch (options.fields().get("pool_id")) {
            case null -> DEFAULT_POOL;
            case String s when !s.isEmpty() -> s;
            case Object other -> throw options.error("pool_id", "non-empty string expected, got "
                    + (other instanceof String ? "empty string" : Values.typeName(other)));
        };
        PoolSettings settings = defaults.with(options.fields(), options::error);
        options.warnUnknown(OPTIONS, log, "http.ensure_pool of pool " + poolId);
        try {
            pools.ensure(poolId, HttpPool.class, () -> new HttpPool(settings));
        } catch (ProviderException e) {
            throw args.error(e.getMessage());
        }
        return true;
    }

    private Object request(String method, Arguments args) {
        HttpPool pool = pool(args);
        Target target = target(args);
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(target.uri());
        } catch (IllegalArgumentException e) {
            throw args.argError(2, "not a valid URL");
        }
        Object body = args.get(BODY);
        Object headers = args.get(HEADERS);
        // vmq_diversity takes the first table after the URL as a form body, so scripts that
        // want headers without a body pass "" first. That still works; so do nil and headers.
        if (body != null && !(body instanceof String || body instanceof byte[] || isTable(body))) {
            throw args.argError(BODY, "string or table expected, got " + Values.typeName(body));
        }
        if (headers != null && !isTable(headers)) {
            throw args.argError(HEADERS, "table expected, got " + Values.typeName(headers));
        }
        Map<String, Object> headerFields = headers == null ? Map.of() : args.map(HEADERS);
        addHeaders(args, request, headerFields);
        if (target.basicAuth() != null && !hasHeader(headerFields, "authorization")) {
            request.setHeader("Authorization", target.basicAuth());
        }
        HttpRequest.BodyPublisher publisher = switch (body) {
            case null -> HttpRequest.BodyPublishers.noBody();
            case String s -> HttpRequest.BodyPublishers.ofString(s);
            case byte[] b -> HttpRequest.BodyPublishers.ofByteArray(b);
            default -> {
                if (!hasHeader(headerFields, "content-type")) {
                    request.setHeader("Content-Type", "application/x-www-form-urlencoded");
                }
                yield HttpRequest.BodyPublishers.ofString(formEncoded(args, args.map(BODY)));
            }
        };
        request.method(method, publisher);
        HttpResponse<byte[]> response;
        try {
            response = pool.send(request);
        } catch (IOException e) {
            // The URL without credentials and query, which may hold tokens; the exception's
            // class says what happened (ConnectException, HttpTimeoutException, ...).
            log.warn("{} failed: {} {}: {}", args.function(), method, target.redacted(), e.getClass().getName());
            return false;
        } catch (HttpPool.PoolBusyException e) {
            throw args.error("pool " + args.string(1) + " is busy: all " + pool.settings().size()
                    + " requests in flight for " + pool.settings().requestTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw args.error("interrupted");
        }
        return result(response);
    }

    private HttpPool pool(Arguments args) {
        String poolId = args.string(1);
        try {
            return pools.get(poolId, HttpPool.class);
        } catch (ProviderException e) {
            throw args.error(e.getMessage());
        }
    }

    /** The URL to send to, without credentials, and those credentials as a Basic header. */
    private record Target(URI uri, String basicAuth, String redacted) {
    }

    private static Target target(Arguments args) {
        String url = args.string(2);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // Not the URL itself, nor the parser's message quoting it: it may hold a password.
            throw args.argError(2, "not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw args.argError(2, "http:// or https:// URL with a host expected");
        }
        if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65_535)) {
            throw args.argError(2, "not a valid URL");
        }
        String authority = uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String redacted = scheme + "://" + authority + path;
        if (uri.getRawUserInfo() == null) {
            return new Target(uri, null, redacted);
        }
        // java.net.http refuses user info in a URL; it becomes a Basic header instead.
        String basicAuth = "Basic " + Base64.getEncoder().encodeToString(uri.getUserInfo().getBytes(StandardCharsets.UTF_8));
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        try {
            return new Target(new URI(scheme + "://" + authority + path + query), basicAuth, redacted);
        } catch (URISyntaxException e) {
            throw args.argError(2, "not a valid URL");
        }
    }

    private static void addHeaders(Arguments args, HttpRequest.Builder request, Map<String, Object> headers) {
        for (Map.Entry<String, Object> header : headers.entrySet()) {
            String value = text(header.getValue());
            if (value == null) {
                throw args.argError(HEADERS, "header '" + header.getKey() + "': string or number expected, got "
                        + Values.typeName(header.getValue()));
            }
            try {
                request.header(header.getKey(), value);
            } catch (IllegalArgumentException e) {
                // Restricted (Host, Content-Length, Connection, ...) or invalid characters; the
                // value is not shown, it may be a token.
                throw args.argError(HEADERS, "header '" + header.getKey() + "' cannot be set");
            }
        }
    }

    private static boolean hasHeader(Map<String, Object> headers, String lowerCaseName) {
        return headers.keySet().stream().anyMatch(name -> name.toLowerCase(Locale.ROOT).equals(lowerCaseName));
    }

    private static String formEncoded(Arguments args, Map<String, Object> form) {
        StringJoiner out = new StringJoiner("&");
        for (Map.Entry<String, Object> field : form.entrySet()) {
            String value = text(field.getValue());
            if (value == null) {
                throw args.argError(BODY, "form field '" + field.getKey() + "': string or number expected, got "
                        + Values.typeName(field.getValue()));
            }
            out.add(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static String text(Object value) {
        return switch (value) {
            case String s -> s;
            case byte[] b -> new String(b, StandardCharsets.UTF_8);
            case Long l -> l.toString();
            case Double d when d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 0x1p53 -> Long.toString(d.longValue());
            case Double d -> d.toString();
            case Boolean b -> b.toString();
            case null, default -> null;
        };
    }

    private static Map<String, Object> result(HttpResponse<byte[]> response) {
        Map<String, Object> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", values));
            }
        });
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", (long) response.statusCode());
        result.put("headers", headers);
        result.put("ref", body(response.body()));
        return result;
    }

    // Text when it is UTF-8, so scripts and JSON decoding see a string; bytes otherwise.
    private static Object body(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException binary) {
            return bytes;
        }
    }

    private static boolean isTable(Object value) {
        return value instanceof Map<?, ?> || value instanceof List<?>;
    }
}
