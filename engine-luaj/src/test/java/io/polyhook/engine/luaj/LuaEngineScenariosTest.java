package io.polyhook.engine.luaj;

import io.polyhook.core.script.scenarios.EngineScenarios;
import io.polyhook.core.script.scenarios.Probe;
import io.polyhook.core.script.scenarios.VmqFixtures;
import io.polyhook.core.script.ScriptEngine;

import java.util.Map;

/**
 * The engine-neutral hook scenarios, on Lua. Runaway code is stopped by time: top-level code
 * after a load timeout shortened here, so that the scenario does not wait the default 10 s.
 */
class LuaEngineScenariosTest extends EngineScenarios {

    @Override
    protected Map<String, Object> settings() {
        return Map.of("sandbox", Map.of("load_timeout", "1s"));
    }

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
