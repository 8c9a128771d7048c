package io.polyhook.provider.mongodb;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.mongodb.client.MongoCursor;
import org.bson.Document;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The open cursors of {@code mongodb.find}, by the opaque handle scripts hold. A script that
 * never closes its cursor must not leak it: a cursor left alone for the idle timeout, and
 * cursors beyond the maximum count (Caffeine's size policy picks which), are closed and
 * forgotten, the server-side cursor with them. Thread-safe; each cursor is used by one caller at a time.
 */
final class Cursors implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Cache<String, Handle> open;

    Cursors(Duration idleTimeout, long maximum) {
        this.open = Caffeine.newBuilder()
                .expireAfterAccess(idleTimeout)
                .maximumSize(maximum)
                .scheduler(Scheduler.systemScheduler())
                // Closing right away, on the thread that evicts, keeps the count of open
                // server cursors bounded too.
                .executor(Runnable::run)
                .removalListener((String id, Handle handle, RemovalCause cause) -> {
                    if (handle != null) {
                        handle.close();
                    }
                })
                .build();
    }

    /** Registers {@code cursor} and returns its handle. */
    String open(MongoCursor<Document> cursor) {
        String id = "mongodb-cursor:" + HexFormat.of().formatHex(bytes());
        open.put(id, new Handle(cursor));
        return id;
    }

    /** The next document, or {@code null} at the end. */
    Map<String, Object> next(String id) throws UnknownCursorException {
        return handle(id).next();
    }

    /** Up to {@code n} next documents. */
    List<Map<String, Object>> take(String id, int n) throws UnknownCursorException {
        Handle handle = handle(id);
        List<Map<String, Object>> documents = new ArrayList<>(Math.min(n, 1000));
        for (int i = 0; i < n; i++) {
            Map<String, Object> document = handle.next();
            if (document == null) {
                break;
            }
            documents.add(document);
        }
        return documents;
    }

    /** Closes and forgets the cursor; nothing happens if there is none. */
    void close(String id) {
        open.invalidate(id);
    }

    long size() {
        open.cleanUp();
        return open.estimatedSize();
    }

    @Override
    public void close() {
        open.invalidateAll();
        open.cleanUp();
    }

    private Handle handle(String id) throws UnknownCursorException {
        Handle handle = open.getIfPresent(id);
        if (handle == null) {
            throw new UnknownCursorException();
        }
        return handle;
    }

    private static byte[] bytes() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** No such cursor: never opened, closed, or expired. */
    static final class UnknownCursorException extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownCursorException() {
            super(null, null, false, false);
        }
    }

    /** One cursor; at its end the driver's cursor is closed at once, and next keeps saying so. */
    private static final class Handle {
        private MongoCursor<Document> cursor;

        Handle(MongoCursor<Document> cursor) {
            this.cursor = cursor;
        }

        synchronized Map<String, Object> next() {
            if (cursor == null) {
                return null;
            }
            if (!cursor.hasNext()) {
                close();
                return null;
            }
            return BsonValues.toModel(cursor.next());
        }

        synchronized void close() {
            if (cursor != null) {
                try {
                    cursor.close();
                } catch (RuntimeException ignored) {
                    // The server or the pool is gone; there is nothing left to release.
                }
                cursor = null;
            }
        }
    }
}
