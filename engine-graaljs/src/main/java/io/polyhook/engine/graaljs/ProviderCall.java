package io.polyhook.engine.graaljs;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.ProviderException;
import io.polyhook.core.provider.ProviderFunction;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.ArrayList;
import java.util.List;

/**
 * One provider function as a JavaScript function of one context: converts the arguments to model
 * values, calls it, and converts the result back. A {@link ProviderException} is thrown into the
 * script as an {@code Error} with its message, so {@code try/catch} catches it; any other
 * exception is a provider bug, logged here and reported to the script without its message.
 */
final class ProviderCall implements ProxyExecutable {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderCall.class);

    private final String function;
    private final ProviderFunction target;
    private final JsValues.Constructors constructors;
    private final String script;

    /** @param script the calling script's file, whose base name the {@code log} library names its logger after */
    ProviderCall(String function, ProviderFunction target, JsValues.Constructors constructors, String script) {
        this.function = function;
        this.target = target;
        this.constructors = constructors;
        String file = java.nio.file.Path.of(script).getFileName().toString();
        int dot = file.lastIndexOf('.');
        this.script = dot > 0 ? file.substring(0, dot) : file;
    }

    @Override
    public Object execute(Value... args) {
        List<Object> values = new ArrayList<>(args.length);
        for (int i = 0; i < args.length; i++) {
            try {
                values.add(JsValues.toModel(args[i]));
            } catch (JsValues.ConversionException e) {
                throw raise(constructors.typeError(), function + ": bad argument #" + (i + 1) + " (" + e.getMessage() + ")");
            }
        }
        Object result;
        MDC.put("script", script); // the log library names its logger after the calling script
        try {
            result = target.call(Arguments.of(function, values));
        } catch (ProviderException e) {
            throw raise(constructors.error(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} failed", function, e);
            throw raise(constructors.error(), function + ": internal error (see the broker log)");
        } finally {
            MDC.remove("script");
        }
        try {
            return JsValues.toJs(constructors, result);
        } catch (IllegalArgumentException e) {
            LOG.error("{} returned a value scripts cannot see: {}", function, e.getMessage());
            throw raise(constructors.error(), function + ": internal error (see the broker log)");
        }
    }

    /** Throws a JavaScript error into the calling script. */
    private static RuntimeException raise(Value errorConstructor, String message) {
        throw errorConstructor.newInstance(message == null ? "error" : message).throwException();
    }
}
