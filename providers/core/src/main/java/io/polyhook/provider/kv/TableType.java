package io.polyhook.provider.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of table {@code kv.ensure_table} creates, named as ETS names them. */
enum TableType {

    /** One value per key; an insert overwrites. */
    SET("set"),
    /**
     * One value per key, keys kept in order. No kv function lists keys, so the order is not
     * observable and the table behaves exactly like {@link #SET}.
     */
    ORDERED_SET("ordered_set"),
    /** Several values per key, each stored once: inserting an equal value again does nothing. */
    BAG("bag"),
    /** Several values per key, duplicates included. */
    DUPLICATE_BAG("duplicate_bag");

    private final String scriptName;

    TableType(String scriptName) {
        this.scriptName = scriptName;
    }

    String scriptName() {
        return scriptName;
    }

    static Optional<TableType> named(String name) {
        return Arrays.stream(values()).filter(t -> t.scriptName.equals(name)).findFirst();
    }

    /** The values of a key after {@code value} is inserted under it ({@code existing}: {@code null} if none). */
    List<Object> merged(List<Object> existing, Object value) {
        if (existing == null || this == SET || this == ORDERED_SET) {
            return List.of(value);
        }
        if (this == BAG && existing.stream().anyMatch(v -> KvTable.sameValue(v, value))) {
            return existing;
        }
        List<Object> values = new ArrayList<>(existing.size() + 1);
        values.addAll(existing);
        values.add(value);
        return Collections.unmodifiableList(values);
    }

    /** The names scripts may use, for error messages. */
    static String names() {
        return Arrays.stream(values()).map(TableType::scriptName).collect(Collectors.joining(", "));
    }
}
