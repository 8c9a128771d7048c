package io.polyhook.core.script;

import java.util.Set;

/**
 * A scripting language: loads script files into hook handlers. Engines are found with
 * {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.polyhook.core.script.ScriptEngine}) and chosen by the file
 * extension of a script; no two engines of one broker may take the same extension.
 *
 * <p>An engine instance is shared by every script it loads; {@link #load} is never called for
 * two scripts at once by the broker's script manager, but must not keep per-script state in the
 * engine itself.
 */
public interface ScriptEngine {

    /** A short name for logs and {@code script show}: {@code "luaj"}, {@code "graaljs"}. */
    String name();

    /** The file extensions this engine takes, lower case and without the dot: {@code "lua"}. */
    Set<String> extensions();

    /**
     * Loads a script completely: every state it will use is created and has run the file before
     * this returns. A reload relies on that: the old version keeps serving until the new one is
     * whole, so a failure halfway must throw rather than return a partial script.
     *
     * @param source      the file and its script directory
     * @param environment the providers to install into each state and the engine settings
     * @return the script, holding one handler per hook point it declares
     * @throws ScriptLoadException if the file cannot be read, does not compile, or its top-level
     *                             code fails; the message names the file and, if known, the line
     */
    LoadedScript load(ScriptSource source, ScriptEnvironment environment) throws ScriptLoadException;
}
