/**
 * Lua 5.3 on LuaJ: the compiler that puts the {@linkplain io.polyhook.engine.luaj.syntax front
 * end} before LuaJ's own and binds the 5.3 operators, the operators themselves, and the library
 * functions of 5.3 that LuaJ lacks ({@code math.type}, {@code utf8}, {@code table.move}, ...).
 */
package io.polyhook.engine.luaj.lua53;
