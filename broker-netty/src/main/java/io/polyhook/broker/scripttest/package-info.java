/**
 * {@code polyhook script test}: runs the test files next to scripts ({@code auth.test.yaml} for
 * {@code auth.lua}), calling the script's hooks without a broker, with the libraries a broker
 * would give it, database libraries answered by the fixtures a test declares, and reports each
 * case. {@link io.polyhook.broker.scripttest.ScriptTests} is the entry point.
 */
package io.polyhook.broker.scripttest;
