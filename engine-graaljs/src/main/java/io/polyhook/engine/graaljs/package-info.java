/**
 * JavaScript scripts as broker plugins, on GraalJS through the GraalVM Polyglot API: the same
 * hooks, arguments, return values and provider libraries as the Lua engine, sandboxed, from a
 * pool of contexts per script on one shared Polyglot engine. The only public type is
 * {@link io.polyhook.engine.graaljs.GraalJsEngine}, found with {@link java.util.ServiceLoader}.
 * Nothing outside this module refers to GraalVM: leave the module off the classpath and the
 * broker runs without it.
 */
package io.polyhook.engine.graaljs;
