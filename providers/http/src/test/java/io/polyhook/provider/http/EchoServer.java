package io.polyhook.provider.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server on 127.0.0.1 for the tests. {@code /echo} answers 200 with the request body
 * and the request's method, query, content type and some headers as {@code x-echo-*} headers;
 * {@code /status/N} answers N; {@code /slow} answers after two seconds; {@code /binary} answers
 * bytes that are not UTF-8; {@code /cookies} sets two cookies.
 */
final class EchoServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();

    EchoServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/echo", this::echo);
        server.createContext("/status/", exchange -> {
            int status = Integer.parseInt(exchange.getRequestURI().getPath().substring("/status/".length()));
            respond(exchange, status, ("status " + status).getBytes());
        });
        server.createContext("/slow", exchange -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "late".getBytes());
        });
        server.createContext("/binary", exchange -> respond(exchange, 200, new byte[] {(byte) 0xff, 0, 1}));
        server.createContext("/cookies", exchange -> {
            exchange.getResponseHeaders().add("Set-Cookie", "a=1");
            exchange.getResponseHeaders().add("Set-Cookie", "b=2");
            respond(exchange, 204, null);
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void echo(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        var echo = exchange.getResponseHeaders();
        echo.add("X-Echo-Method", exchange.getRequestMethod());
        echo.add("X-Echo-Query", String.valueOf(exchange.getRequestURI().getRawQuery()));
        for (String header : new String[] {"Content-Type", "X-Test", "Authorization", "Accept"}) {
            echo.add("X-Echo-" + header, String.valueOf(exchange.getRequestHeaders().getFirst(header)));
        }
        respond(exchange, 200, body);
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        try (exchange) {
            boolean empty = body == null || body.length == 0;
            exchange.sendResponseHeaders(status, empty ? -1 : body.length);
            if (!empty) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
