package io.polyhook.engine.graaljs;

import io.polyhook.core.script.ScriptEngine;
import io.polyhook.core.script.scenarios.EngineScenarios;

/** The engine-neutral hook scenarios, on JavaScript: the same expectations as on Lua. */
class GraalJsEngineScenariosTest extends EngineScenarios {

    @Override
    protected ScriptEngine engine() {
        return new GraalJsEngine();
    }

    @Override
    protected String extension() {
        return "js";
    }

    @Override
    protected String scriptDirectory() {
        return "/scripts/js";
    }
}
