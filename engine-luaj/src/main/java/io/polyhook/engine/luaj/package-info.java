/**
 * Lua scripts as broker plugins, on LuaJ: vmq_diversity scripts run unchanged, sandboxed, from a
 * pool of interpreter states per script. The only public type is
 * {@link io.polyhook.engine.luaj.LuaEngine}, found with {@link java.util.ServiceLoader}.
 */
package io.polyhook.engine.luaj;
