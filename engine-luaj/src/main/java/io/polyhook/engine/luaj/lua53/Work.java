package io.polyhook.engine.luaj.lua53;

/**
 * What a library function that loops over script-supplied data reports to the state's budget, so
 * that a call spending its time there stops at its deadline and within its memory cap like Lua
 * code does. The engine's budget implements it; either method may throw to stop the call.
 */
public interface Work {

    /** {@code steps} of a loop, each about as much work as a Lua instruction. */
    void tick(long steps);

    /** About {@code bytes} about to be kept by the state (a table entry, a string). */
    void allocate(long bytes);
}
