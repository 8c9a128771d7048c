/**
 * The broker's script manager, not API: loading, reloading and unloading scripts at run time
 * ({@code ScriptManager}, with one {@code ScriptVersion} per loaded version of a file), the
 * engines found on the class path ({@code ScriptEngines}), and what a load reports
 * ({@code LoadReport}, {@code ScriptInfo}). Engines code against {@code io.polyhook.core.script}.
 */
package io.polyhook.core.script.internal;
