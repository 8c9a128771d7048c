package io.polyhook.engine.luaj;

import io.polyhook.core.script.scenarios.EngineScenarios;
import io.polyhook.core.script.scenarios.Probe;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.core.script.ScriptEngine;

/** The engine-neutral hook scenarios, on Lua. */
class LuaEngineScenariosTest extends EngineScenarios {

    @Override
    protected ScriptEngine engine() {
        return new LuaEngine();
    }

    @Override
    protected String extension() {
        return "lua";
    }

    @Override
    protected String scriptDirectory() {
        return "/scripts/lua";
    }
}
