package io.polyhook.engine.luaj;

import io.polyhook.core.script.ScriptSource;
import io.polyhook.engine.luaj.lua53.Lua53Compiler;
import io.polyhook.engine.luaj.lua53.Lua53Library;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.Bit32Lib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseIoLib;
import org.luaj.vm2.lib.jse.JseMathLib;
import org.luaj.vm2.lib.jse.JseOsLib;
import org.luaj.vm2.lib.jse.LuajavaLib;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.io.StringReader;
import java.nio.file.Path;

/**
 * Builds the globals of a state: the standard libraries a vmq_diversity script expects, minus
 * what the {@link LuaSettings sandbox} takes away, with the loaders ({@code load},
 * {@code loadfile}, {@code dofile}, {@code require}) confined to the scripts directory and to
 * source text, and {@code error}, {@code print}, {@code string.rep}, {@code table.concat}
 * replaced by versions that position, log and bound what they do.
 */
final class LuaSandbox {

    private static final Logger SCRIPT_LOG = LoggerFactory.getLogger("io.polyhook.script");

    /** The string table of the state running on this thread, for method calls on strings. */
    private static final ThreadLocal<LuaValue> CURRENT_STRINGS = new ThreadLocal<>();
    private static final LuaTable FALLBACK_STRINGS = new LuaTable();

    // LuaJ keeps ONE metatable for all strings in the JVM, and StringLib fills it with the
    // string table of the first state ever made: any script could then change ("x"):rep for
    // every other script. Ours is set before any StringLib runs (StringLib only sets it when
    // it is null), is hidden from getmetatable, and looks methods up in the string table of the
    // state running on the calling thread, as each state has its own in standard Lua.
    private static final LuaTable STRING_METATABLE = new LuaTable();

    static {
        STRING_METATABLE.rawset(LuaValue.INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue s, LuaValue key) {
                LuaValue strings = CURRENT_STRINGS.get();
                return (strings != null ? strings : FALLBACK_STRINGS).get(key);
            }
        });
        STRING_METATABLE.rawset(LuaValue.METATABLE, LuaValue.FALSE);
        LuaString.s_metatable = STRING_METATABLE;
        // For string methods called outside any call of a state (Java code handling Lua values).
        Globals plain = new Globals();
        plain.load(new JseBaseLib());
        plain.load(new PackageLib());
        plain.load(new StringLib());
        LuaTable strings = (LuaTable) plain.get("string");
        for (LuaValue key : strings.keys()) {
            FALLBACK_STRINGS.rawset(key, strings.rawget(key));
        }
        FALLBACK_STRINGS.rawset("rep", new Rep(new LuaBudget(LuaSettings.defaults())));
    }

    private LuaSandbox() {
    }

    /** The libraries of a new state, before the loaders are confined (see {@link #confine}). */
    static Globals newGlobals(LuaSettings settings, LuaBudget budget, String script) {
        LuaString.s_metatable = STRING_METATABLE;
        Globals g = new Globals();
        g.load(new JseBaseLib());
        g.load(new PackageLib());
        g.load(new Bit32Lib());
        g.load(new TableLib());
        g.load(new StringLib());
        g.load(new JseMathLib());
        g.load(new JseOsLib());
        Lua53Library.install(g);
        if (!settings.blockCoroutines()) {
            g.load(new CoroutineLib());
        }
        if (!settings.blockIo()) {
            g.load(new JseIoLib());
        }
        if (!settings.blockLuajava()) {
            g.load(new LuajavaLib());
        }
        if (!settings.hideDebug()) {
            g.load(new DebugLib());
        }
        // After DebugLib: the budget must be the library LuaJ's closures report to.
        g.load(budget);
        LoadState.install(g);
        LuaC.install(g);
        g.compiler = Lua53Compiler.INSTANCE;
        if (settings.blockBytecode()) {
            g.undumper = LuaSandbox::rejectBinary;
        }
        if (settings.restrictOs()) {
            restrictOs(g);
        }
        LuaTable strings = (LuaTable) g.get("string");
        strings.rawset("rep", new Rep(budget));
        strings.rawset("gsub", new Gsub(strings.get("gsub"), budget));
        strings.rawset("format", new Format(strings.get("format"), budget));
        ((LuaTable) g.get("table")).rawset("concat", new Concat(budget));
        g.rawset("error", new ErrorFunction(budget));
        g.rawset("print", new Print(script));
        // Lua errors raised by LuaJ itself read "file:12 message"; make them "file:12: message".
        g.running.errorfunc = new PositionError(budget);
        return g;
    }

    /**
     * Points the loaders at {@code env} (what scripts see as {@code _ENV}) and, if the sandbox
     * says so, confines them to {@code root}; {@code package.path} searches {@code root}.
     */
    static void confine(Globals g, LuaTable env, Path root, LuaSettings settings) {
        Loaders loaders = new Loaders(g, env, root, settings.confineFiles());
        g.rawset("load", loaders.load());
        g.rawset("loadfile", loaders.loadfile());
        g.rawset("dofile", loaders.dofile());
        LuaTable pkg = (LuaTable) g.get("package");
        String dir = root.toString();
        pkg.set("path", LuaValue.valueOf(dir + "/?.lua;" + dir + "/?/init.lua"));
        pkg.set("cpath", LuaValue.valueOf(""));
        pkg.set("loadlib", LuaValue.NIL);
        LuaTable searchers = new LuaTable();
        searchers.rawset(1, pkg.get("searchers").get(1)); // package.preload
        searchers.rawset(2, loaders.searcher(pkg));
        pkg.set("searchers", searchers);
        g.rawset("_G", env);
        pkg.get("loaded").set("_G", env);
        if (!settings.confineFiles()) {
            return;
        }
        g.finder = loaders::open;
    }

    /** Makes {@code strings} the table {@code ("x"):rep(...)} finds methods in, on this thread. */
    static void enter(LuaValue strings) {
        CURRENT_STRINGS.set(strings);
    }

    /** Ends {@link #enter}. */
    static void exit() {
        CURRENT_STRINGS.remove();
    }

    /** Compiles source text; binary chunks are refused before the compiler sees them. */
    static Prototype compile(Globals g, String text, String chunkName) throws IOException {
        if (!text.isEmpty() && text.charAt(0) == 0x1B) {
            throw new LuaError(chunkName.substring(1) + ": binary (precompiled) chunks are not allowed");
        }
        return g.compilePrototype(new StringReader(text), chunkName);
    }

    private static Prototype rejectBinary(InputStream stream, String chunkName) throws IOException {
        int first = stream.read();
        if (first == 0x1B) {
            throw new LuaError("binary (precompiled) chunks are not allowed");
        }
        return null; // not binary: LuaJ resets the stream and compiles the text
    }

    private static void restrictOs(Globals g) {
        LuaValue full = g.get("os");
        LuaTable os = new LuaTable();
        for (String name : new String[] {"clock", "date", "time", "difftime"}) {
            os.rawset(name, full.get(name));
        }
        g.rawset("os", os);
        g.get("package").get("loaded").set("os", os);
        // A full collection stops the whole broker; scripts have no business asking for one.
        g.rawset("collectgarbage", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.valueOf(0);
            }
        });
    }

    /** {@code string.rep} that refuses results larger than the limit before building them. */
    private static final class Rep extends VarArgFunction {
        private final LuaBudget budget;

        Rep(LuaBudget budget) {
            this.budget = budget;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            double n = args.checkdouble(2);
            LuaString sep = args.optstring(3, LuaString.valueOf(""));
            if (n < 1 || Double.isNaN(n)) {
                return LuaString.valueOf("");
            }
            budget.checkStringSize(s.length() * n + sep.length() * (n - 1), "string.rep");
            if (s.length() * n + sep.length() * (n - 1) > Integer.MAX_VALUE - 8) {
                throw new LuaError("string.rep: resulting string too large");
            }
            int count = (int) n;
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) (s.length() * (double) count));
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    write(out, sep);
                }
                write(out, s);
            }
            return LuaString.valueUsing(out.toByteArray());
        }
    }

    /**
     * {@code string.gsub} that refuses results larger than the limit: replacements by a table, a
     * function or a plain string are counted as they are made; a string with {@code %1}-style
     * references is checked against its worst case first.
     */
    private static final class Gsub extends VarArgFunction {
        private final LuaValue original;
        private final LuaBudget budget;

        Gsub(LuaValue original, LuaBudget budget) {
            this.original = original;
            this.budget = budget;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaString s = args.checkstring(1);
            LuaValue repl = args.arg(3);
            if (!budget.enforced() || !(repl.isstring() || repl.istable() || repl.isfunction())) {
                return original.invoke(args);
            }
            if (repl.isstring() && repl.strvalue().indexOf((byte) '%', 0) >= 0) {
                LuaString r = repl.strvalue();
                double matches = args.isnoneornil(4) ? s.length() + 1 : Math.min(args.checkdouble(4), s.length() + 1);
                int refs = 0;
                for (int i = 0; i < r.length(); i++) {
                    if (r.luaByte(i) == '%') {
                        refs++;
                        i++;
                    }
                }
                budget.checkStringSize(s.length() + matches * ((double) r.length() + (double) refs * s.length()), "string.gsub");
                return original.invoke(args);
            }
            double[] total = {s.length()};
            LuaValue counted = new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs captures) {
                    LuaValue out = repl.isstring() ? repl : repl.istable() ? repl.get(captures.arg1()) : repl.invoke(captures).arg1();
                    if (out.isstring()) {
                        total[0] += out.strvalue().length();
                        budget.checkStringSize(total[0], "string.gsub");
                    }
                    return out;
                }
            };
            return original.invoke(varargsOf(new LuaValue[] {s, args.arg(2), counted}, args.subargs(4)));
        }
    }

    /** {@code string.format} that refuses results larger than the limit before building them. */
    private static final class Format extends VarArgFunction {
        private final LuaValue original;
        private final LuaBudget budget;

        Format(LuaValue original, LuaBudget budget) {
            this.original = original;
            this.budget = budget;
        }

        @Override
        public Varargs invoke(Varargs args) {
            // Lua caps widths and precisions at two digits, so 100 bytes bound any other directive.
            double size = 0;
            for (int i = 1; i <= args.narg(); i++) {
                LuaValue v = args.arg(i);
                size += v instanceof LuaString str ? str.length() + 100 : 100;
            }
            budget.checkStringSize(size, "string.format");
            return original.invoke(args);
        }
    }

    /** {@code table.concat} that refuses results larger than the limit before building them. */
    private static final class Concat extends VarArgFunction {
        private final LuaBudget budget;

        Concat(LuaBudget budget) {
            this.budget = budget;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaTable t = args.checktable(1);
            LuaString sep = args.optstring(2, LuaString.valueOf(""));
            int i = args.optint(3, 1);
            int j = args.isnoneornil(4) ? t.length() : args.checkint(4);
            double size = 0;
            for (int k = i; k <= j; k++) {
                LuaValue v = t.get(k);
                if (!v.isstring()) {
                    throw new LuaError("invalid value (at index " + k + ") in table for 'concat'");
                }
                size += v.strvalue().length() + (k < j ? sep.length() : 0);
            }
            budget.checkStringSize(size, "table.concat");
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(size, Integer.MAX_VALUE - 8));
            for (int k = i; k <= j; k++) {
                write(out, t.get(k).strvalue());
                if (k < j) {
                    write(out, sep);
                }
            }
            return LuaString.valueUsing(out.toByteArray());
        }
    }

    private static void write(ByteArrayOutputStream out, LuaString s) {
        byte[] bytes = new byte[s.length()];
        s.copyInto(0, bytes, 0, bytes.length);
        out.writeBytes(bytes);
    }

    /**
     * {@code error(value [, level])} as in standard Lua: a string gets the position of the
     * function {@code level} frames up (1 by default, 0 for none).
     */
    private static final class ErrorFunction extends TwoArgFunction {
        private final LuaBudget budget;

        ErrorFunction(LuaBudget budget) {
            this.budget = budget;
        }

        @Override
        public LuaValue call(LuaValue value, LuaValue level) {
            int lvl = level.optint(1);
            String where = budget.where(Math.max(lvl, 1));
            LuaValue message = value;
            if (lvl > 0 && where != null && value.type() == TSTRING) {
                message = LuaValue.valueOf(where + ": " + value.tojstring());
            }
            throw new ScriptError(message, where);
        }
    }

    /** Turns LuaJ's {@code file:12 message} into standard Lua's {@code file:12: message}. */
    private static final class PositionError extends OneArgFunction {
        private final LuaBudget budget;

        PositionError(LuaBudget budget) {
            this.budget = budget;
        }

        @Override
        public LuaValue call(LuaValue message) {
            String luaj = budget.luajWhere(1);
            String m = message.tojstring();
            if (luaj != null && m.startsWith(luaj + " ")) {
                return LuaValue.valueOf(budget.where(1) + ": " + m.substring(luaj.length() + 1));
            }
            return message;
        }
    }

    /** {@code print} to the broker log, one line per call, tagged with the script. */
    private static final class Print extends VarArgFunction {
        private final String script;

        Print(String script) {
            this.script = script;
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (SCRIPT_LOG.isInfoEnabled()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= args.narg(); i++) {
                    sb.append(i > 1 ? "\t" : "").append(args.arg(i).tojstring());
                }
                SCRIPT_LOG.info("{}: {}", script, sb);
            }
            return NONE;
        }
    }

    /** The file loaders of one state: default environment {@code env}, optionally confined to a directory. */
    private static final class Loaders {
        private final Globals globals;
        private final LuaTable env;
        private final Path root;
        private final boolean confined;

        Loaders(Globals globals, LuaTable env, Path root, boolean confined) {
            this.globals = globals;
            this.env = env;
            this.root = root;
            this.confined = confined;
        }

        /** The file a script names, or null if it is outside the root (when confined). */
        Path resolve(String name) {
            Path p = root.resolve(name).toAbsolutePath().normalize();
            if (!confined) {
                return p;
            }
            if (!p.startsWith(root)) {
                return null;
            }
            try {
                // A link inside the root may point outside it.
                if (Files.exists(p) && !p.toRealPath().startsWith(root.toRealPath())) {
                    return null;
                }
            } catch (IOException e) {
                return null;
            }
            return p;
        }

        InputStream open(String name) {
            Path p = resolve(name);
            try {
                return p == null || !Files.isRegularFile(p) ? null : Files.newInputStream(p);
            } catch (IOException e) {
                return null;
            }
        }

        /** Loads a file as a function, or returns nil and a message. */
        Varargs loadFile(String name, String mode, LuaValue chunkEnv) {
            Path p = resolve(name);
            if (p == null) {
                return varargsOf(LuaValue.NIL, LuaValue.valueOf("cannot open " + name
                        + ": outside the scripts directory " + root));
            }
            if (!Files.isRegularFile(p)) {
                return varargsOf(LuaValue.NIL, LuaValue.valueOf("cannot open " + name + ": no such file"));
            }
            try (InputStream in = Files.newInputStream(p)) {
                return loadStream(in, "@" + ScriptSource.display(p), mode, chunkEnv);
            } catch (IOException e) {
                return varargsOf(LuaValue.NIL, LuaValue.valueOf("cannot read " + name + ": " + e.getMessage()));
            }
        }

        Varargs loadStream(InputStream in, String chunkName, String mode, LuaValue chunkEnv) {
            try {
                Prototype p = globals.loadPrototype(in, chunkName, mode);
                return globals.loader.load(p, chunkName, chunkEnv);
            } catch (LuaError e) {
                return varargsOf(LuaValue.NIL, LuaValue.valueOf(e.getMessage()));
            } catch (IOException e) {
                return varargsOf(LuaValue.NIL, LuaValue.valueOf("cannot load " + chunkName + ": " + e.getMessage()));
            }
        }

        LuaFunction load() {
            return new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs args) {
                    LuaValue chunk = args.arg1();
                    byte[] bytes;
                    String name;
                    if (chunk.isstring()) {
                        LuaString s = chunk.checkstring();
                        bytes = new byte[s.length()];
                        s.copyInto(0, bytes, 0, bytes.length);
                        name = args.optjstring(2, "=(load)");
                    } else if (chunk.isfunction()) {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        for (LuaValue piece = chunk.call(); piece.isstring() && piece.length() > 0; piece = chunk.call()) {
                            write(out, piece.checkstring());
                        }
                        bytes = out.toByteArray();
                        name = args.optjstring(2, "=(load)");
                    } else {
                        return argerror(1, "string or function expected");
                    }
                    String mode = args.optjstring(3, "bt");
                    LuaValue chunkEnv = args.narg() >= 4 ? args.arg(4) : env;
                    return loadStream(new ByteArrayInputStream(bytes), name, mode, chunkEnv);
                }
            };
        }

        LuaFunction loadfile() {
            return new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs args) {
                    return loadFile(args.checkjstring(1), args.optjstring(2, "bt"), args.narg() >= 3 ? args.arg(3) : env);
                }
            };
        }

        LuaFunction dofile() {
            return new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs args) {
                    Varargs loaded = loadFile(args.checkjstring(1), "bt", env);
                    if (loaded.arg1().isnil()) {
                        throw new LuaError(loaded.arg(2).tojstring());
                    }
                    return loaded.arg1().invoke();
                }
            };
        }

        /** The {@code require} searcher for Lua files along {@code package.path}. */
        LuaFunction searcher(LuaTable pkg) {
            return new OneArgFunction() {
                @Override
                public LuaValue call(LuaValue module) {
                    String name = module.checkjstring();
                    StringBuilder tried = new StringBuilder();
                    for (String template : pkg.get("path").checkjstring().split(";")) {
                        if (template.isEmpty()) {
                            continue;
                        }
                        String file = template.replace("?", name.replace('.', '/'));
                        Path p = resolve(file);
                        if (p == null) {
                            tried.append("\n\tno file '").append(file).append("' (outside the scripts directory)");
                            continue;
                        }
                        if (!Files.isRegularFile(p)) {
                            tried.append("\n\tno file '").append(file).append('\'');
                            continue;
                        }
                        Varargs loaded = loadFile(p.toString(), "bt", env);
                        if (loaded.arg1().isnil()) {
                            throw new LuaError("error loading module '" + name + "' from file '" + file + "':\n\t"
                                    + loaded.arg(2).tojstring());
                        }
                        return loaded.arg1();
                    }
                    return LuaValue.valueOf(tried.toString());
                }
            };
        }
    }

    static Varargs varargsOf(LuaValue a, LuaValue b) {
        return LuaValue.varargsOf(a, b);
    }
}
