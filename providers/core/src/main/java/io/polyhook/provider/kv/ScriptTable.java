package io.polyhook.provider.kv;

import java.util.List;
import java.util.Map;

/** What the kv functions do with a table, wherever it lives: on this node ({@link KvTable}) or in the cluster. */
interface ScriptTable {

    /** Stores every pair; {@code null} values are skipped, as a Lua table cannot hold nil. */
    void insert(Map<String, Object> pairs);

    /** Stores every pair if none of the keys is present; whether it stored them. */
    boolean insertNew(Map<String, Object> pairs);

    /** The values under {@code key}, oldest first, as fresh copies; empty if there are none. */
    List<Object> lookup(String key);

    void delete(String key);

    void deleteAll();
}
