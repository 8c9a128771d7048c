/**
 * The Lua 5.3 front end: a lexer and parser of the Lua 5.3 grammar that report errors with the
 * user's line and column, and spell a 5.3 chunk as Lua 5.2 for LuaJ's compiler
 * ({@link io.polyhook.engine.luaj.syntax.Lua53Translator}). No LuaJ types: what LuaJ makes of the
 * result is {@code io.polyhook.engine.luaj.lua53}'s business.
 */
package io.polyhook.engine.luaj.syntax;
