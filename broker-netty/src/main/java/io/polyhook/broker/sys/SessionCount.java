package io.polyhook.broker.sys;

/** How many sessions the broker holds, online or offline, for {@code $SYS/<node>/clients/sessions}. */
@FunctionalInterface
public interface SessionCount {

    /** The number of sessions. */
    int size();
}
