/**
 * Scripts as hook handlers: the engine SPI.
 *
 * <p>A {@link io.polyhook.core.script.ScriptEngine} (found with {@link java.util.ServiceLoader},
 * chosen by file extension) turns a {@link io.polyhook.core.script.ScriptSource} into a
 * {@link io.polyhook.core.script.LoadedScript}: one handler per hook point the script declares.
 * The broker's script manager ({@code io.polyhook.core.script.internal}, not API) loads, reloads
 * and unloads scripts at run time and keeps the broker's hook registry in step: a script's
 * handlers run in load order, after every Java plugin's, and a reload swaps them in one step.
 *
 * <p>An engine need not write the language-neutral part again:
 * {@link io.polyhook.core.script.PooledScript} runs its hook functions on a
 * {@link io.polyhook.core.script.StatePool}, and {@link io.polyhook.core.script.EngineSettings}
 * reads its settings with the checks every engine makes.
 */
package io.polyhook.core.script;
