package io.polyhook.provider.mongodb;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.PoolRegistry;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.Values;
import org.bson.Document;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The functions of the {@code mongodb} library over the node's pools. */
final class MongoProvider {

    static final String DEFAULT_POOL = "pool_mongodb";
    private static final Set<String> OPTIONS;
    private static final Set<String> FIND_OPTIONS = Set.of("projector", "skip", "limit", "sort", "batchsize");

    static {
        Set<String> options = new HashSet<>(PoolSettings.FIELDS);
        options.add("pool_id");
        OPTIONS = Set.copyOf(options);
    }

    private final PoolRegistry pools;
    private final PoolSettings defaults;
    private final Cursors cursors;
    private final Logger log;

    private MongoProvider(PoolRegistry pools, PoolSettings defaults, Cursors cursors, Logger log) {
        this.pools = pools;
        this.defaults = defaults;
        this.cursors = cursors;
        this.log = log;
    }

    static DataProvider create(PoolRegistry pools, PoolSettings defaults, Cursors cursors, Logger log) {
        MongoProvider mongo = new MongoProvider(pools, defaults, cursors, log);
        return DataProvider.builder("mongodb")
                .function("ensure_pool", mongo::ensurePool)
                .function("insert", mongo::insert)
                .function("update", mongo::update)
                .function("delete", mongo::delete)
                .function("find", mongo::find)
                .function("find_one", mongo::findOne)
                .function("next", mongo::next)
                .function("take", mongo::take)
                .function("close", mongo::close)
                .onClose(cursors::close)
                .build();
    }

    private Object ensurePool(Arguments args) {
        return pools.ensureFromScript(args, "mongodb", DEFAULT_POOL, OPTIONS, log, MongoPool.class, options -> {
            PoolSettings settings = defaults.with(options.fields(), options::error);
            return () -> new MongoPool(settings);
        });
    }

    /** insert(pool, coll, doc | {doc, ...}): the inserted document(s), with their {@code _id}. */
    private Object insert(Arguments args) {
        MongoPool pool = pool(args);
        MongoCollection<Document> collection = pool.collection(collection(args));
        if (args.get(3) instanceof List<?> list && !list.isEmpty()) {
            List<Document> documents = new ArrayList<>(list.size());
            for (Object element : list) {
                if (!(element instanceof Map<?, ?> map)) {
                    throw args.argError(3, "table of documents expected, got an element that is "
                            + Values.typeName(element));
                }
                documents.add(BsonValues.document(stringKeyed(map)));
            }
            run(args, pool, () -> collection.insertMany(documents));
            List<Object> inserted = new ArrayList<>(documents.size());
            documents.forEach(d -> inserted.add(BsonValues.toModel(d)));
            return inserted;
        }
        Document document = BsonValues.document(args.map(3));
        // The driver gives the document an _id as it encodes it, when it has none.
        run(args, pool, () -> collection.insertOne(document));
        return BsonValues.toModel(document);
    }

    /**
     * update(pool, coll, selector, fields): {@code $set} of {@code fields} on the first matching
     * document, as vmq_diversity's driver does it; true.
     */
    private Object update(Arguments args) {
        MongoPool pool = pool(args);
        String name = collection(args);
        Map<String, Object> selector = nonEmpty(args, 3);
        Map<String, Object> fields = nonEmpty(args, 4);
        run(args, pool, () -> pool.collection(name).updateOne(BsonValues.document(selector),
                new Document("$set", BsonValues.document(fields))));
        return true;
    }

    /** delete(pool, coll, selector): deletes every matching document ({@code {}}: all); true. */
    private Object delete(Arguments args) {
        MongoPool pool = pool(args);
        String name = collection(args);
        Document selector = BsonValues.document(args.map(3));
        run(args, pool, () -> pool.collection(name).deleteMany(selector));
        return true;
    }

    /** find(pool, coll, selector[, opts]): an opaque cursor handle for next, take and close. */
    private Object find(Arguments args) {
        MongoPool pool = pool(args);
        FindIterable<Document> query = query(args, pool);
        // Opening the cursor sends the query, so failures show here, not in next.
        return cursors.open(run(args, pool, query::cursor));
    }

    /** find_one(pool, coll, selector[, opts]): the first matching document, or false. */
    private Object findOne(Arguments args) {
        MongoPool pool = pool(args);
        FindIterable<Document> query = query(args, pool);
        Document first = run(args, pool, query::first);
        return first == null ? false : BsonValues.toModel(first);
    }

    private Object next(Arguments args) {
        try {
            Map<String, Object> document = cursors.next(args.string(1));
            return document == null ? false : document;
        } catch (Cursors.UnknownCursorException e) {
            throw args.error("unknown or expired cursor");
        } catch (MongoException e) {
            throw args.error(describe(e, null));
        }
    }

    /** take(cursor, n): up to n documents; false if the cursor failed, as in vmq_diversity. */
    private Object take(Arguments args) {
        String id = args.string(1);
        int n = args.intValue(2);
        if (n < 0) {
            throw args.argError(2, "non-negative number expected");
        }
        try {
            return new ArrayList<Object>(cursors.take(id, n));
        } catch (Cursors.UnknownCursorException e) {
            throw args.error("unknown or expired cursor");
        } catch (MongoException e) {
            log.warn("mongodb.take: cursor failed: {}", describe(e, null));
            return false;
        }
    }

    private Object close(Arguments args) {
        cursors.close(args.string(1));
        return true;
    }

    private FindIterable<Document> query(Arguments args, MongoPool pool) {
        MongoCollection<Document> collection = pool.collection(collection(args));
        FindIterable<Document> query = collection.find(BsonValues.document(args.map(3)));
        Map<String, Object> options = args.optMap(4);
        for (Map.Entry<String, Object> option : options.entrySet()) {
            Object value = option.getValue();
            switch (option.getKey()) {
                case "projector" -> query.projection(projection(args, value));
                case "sort" -> query.sort(BsonValues.document(table(args, "sort", value)));
                case "skip" -> query.skip(count(args, "skip", value));
                case "limit" -> query.limit(count(args, "limit", value));
                case "batchsize" -> query.batchSize(count(args, "batchsize", value));
                default -> log.debug("{}: ignoring unknown option {}", args.function(), option.getKey());
            }
        }
        return query;
    }

    // {field=false} hides a field, {field=true} keeps only the fields named so; as 0 and 1,
    // which every server understands.
    private static Document projection(Arguments args, Object value) {
        Document projection = new Document();
        table(args, "projector", value).forEach((field, show) -> projection.put(field, switch (show) {
            case Boolean b -> b ? 1 : 0;
            default -> BsonValues.toBson(show);
        }));
        return projection;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> table(Arguments args, String option, Object value) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        if (value instanceof List<?> list && list.isEmpty()) {
            return Map.of();
        }
        throw args.argError(4, "option '" + option + "': table expected, got " + Values.typeName(value));
    }

    private static int count(Arguments args, String option, Object value) {
        if (value instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        if (value instanceof Double d && d == Math.rint(d) && d >= 0 && d <= Integer.MAX_VALUE) {
            return d.intValue();
        }
        throw args.argError(4, "option '" + option + "': non-negative integer expected, got " + Values.typeName(value));
    }

    private static Map<String, Object> nonEmpty(Arguments args, int position) {
        Map<String, Object> map = args.map(position);
        if (map.isEmpty()) {
            throw args.argError(position, "non-empty table expected");
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeyed(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static String collection(Arguments args) {
        String name = args.string(2);
        if (name.isEmpty()) {
            throw args.argError(2, "collection name expected, got an empty string");
        }
        return name;
    }

    private MongoPool pool(Arguments args) {
        try {
            return pools.get(args.string(1), MongoPool.class);
        } catch (ProviderException e) {
            throw args.error(e.getMessage());
        }
    }

    private <T> T run(Arguments args, MongoPool pool, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (MongoException e) {
            log.debug("{} on pool {} failed", args.function(), args.get(1), e);
            throw args.error("pool " + args.get(1) + ": " + describe(e, pool.settings()));
        } catch (IllegalArgumentException | org.bson.BSONException e) {
            // The driver checks documents as it encodes them: a field name with a NUL byte,
            // an update with no field.
            log.debug("{} on pool {}: rejected by the driver", args.function(), args.get(1), e);
            throw args.error("pool " + args.get(1) + ": invalid document or selector");
        }
    }

    private void run(Arguments args, MongoPool pool, Runnable operation) {
        run(args, pool, () -> {
            operation.run();
            return null;
        });
    }

    /**
     * What went wrong, in words of our own: driver messages may quote connection strings and
     * credentials (user names at least), so they are not passed on. Server errors about the
     * data (a duplicate key) keep the server's code name.
     */
    static String describe(MongoException e, PoolSettings settings) {
        String where = settings == null ? "the server" : settings.target();
        Duration timeout = settings == null ? null : settings.serverSelectionTimeout();
        return switch (e) {
            case MongoSecurityException s -> "authentication failed at " + where;
            case MongoTimeoutException t -> "no server available at " + where
                    + (timeout == null ? "" : " within " + timeout.toMillis() + " ms");
            case MongoSocketException s -> "connection to " + where + " failed (" + s.getClass().getSimpleName() + ")";
            case MongoWriteException w -> "write failed: " + w.getError().getCategory().name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ') + " (code " + w.getError().getCode() + ")";
            case MongoCommandException c -> "command failed: " + (c.getErrorCodeName().isEmpty() ? "error" : c.getErrorCodeName())
                    + " (code " + c.getErrorCode() + ")";
            case MongoServerException s -> "server error (code " + s.getCode() + ")";
            default -> "operation failed (" + e.getClass().getSimpleName() + ")";
        };
    }
}
