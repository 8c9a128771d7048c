package io.polyhook.core.script.model;

import io.polyhook.spi.Bytes;

/**
 * What receives a hook's argument table from {@link HookArguments#write}: one call per key that
 * has a value, in the table's order, typed, so that an engine fills its own argument value (a
 * Lua table, a JavaScript object) straight from the hook's context, without a map in between.
 * A key without a value (the user name of an anonymous client) is not given at all.
 */
public interface ArgumentSink {

    /** A text value ({@code client_id}, {@code topic}, …). */
    void text(ArgumentKey key, String value);

    /** An integer value ({@code qos}, {@code port}, …). */
    void integer(ArgumentKey key, long value);

    /** A boolean value ({@code retain}, {@code clean_session}, …). */
    void bool(ArgumentKey key, boolean value);

    /**
     * A byte value ({@code payload}, {@code password}, {@code client_cert}): the context's own
     * immutable bytes, which the engine copies only if its value needs a copy.
     */
    void bytes(ArgumentKey key, Bytes value);

    /**
     * A table ({@code topics}, {@code properties}) as a model value ({@code List} or
     * {@code Map<String,?>} of model values), made for this call: the engine may keep its
     * parts without copying them.
     */
    void table(ArgumentKey key, Object value);
}
