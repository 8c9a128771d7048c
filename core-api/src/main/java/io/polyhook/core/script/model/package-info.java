/**
 * How hook calls look to scripts, in the language-neutral value model ({@code null},
 * {@code Boolean}, {@code Long}, {@code Double}, {@code String}, {@code byte[]}, {@code List},
 * {@code Map<String,?>}): {@link io.polyhook.core.script.model.HookArguments} turns a typed
 * context into the argument table of vmq_diversity (§1.2 of the reference), and
 * {@link io.polyhook.core.script.model.HookResults} turns what a script returned into a typed,
 * validated {@link io.polyhook.spi.Verdict} (§1.3, §1.4). Every engine uses both, so Lua and
 * JavaScript scripts see and return exactly the same shapes.
 */
package io.polyhook.core.script.model;
