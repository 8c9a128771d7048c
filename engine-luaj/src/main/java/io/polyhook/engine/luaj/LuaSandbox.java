package io.polyhook.engine.luaj;

import io.polyhook.core.script.ScriptEnvironment;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Builds the globals of a state: the standard libraries a vmq_diversity script expects, minus
 * what the {@link LuaSettings sandbox} takes away (a library taken away is a table whose fields
 * raise an error naming the key that allows it), with the loaders ({@code load},
 * {@code loadfile}, {@code dofile}, {@code require}) confined to the scripts directory and to
 * source text, and {@code error}, {@code print} and the library functions that loop or build
 * ({@link StringFunctions}, {@link PatternFunctions}, {@link TableFunctions},
 * {@link OsFunctions}) replaced by versions that position, log and bound what they do.
 */
final class LuaSandbox {

    private static final Logger SCRIPT_LOG = LoggerFactory.getLogger("io.polyhook.script");
    /** The longest line {@code print} and {@code io.write} log, in bytes; the rest is cut. */
    static final int MAX_LOG_LINE = 8192;

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
        // For string methods called outside any run of a state (Java code handling Lua values):
        // bounded in size, without a deadline.
        Globals plain = new Globals();
        plain.load(new JseBaseLib());
        plain.load(new PackageLib());
        plain.load(new StringLib());
        LuaTable strings = (LuaTable) plain.get("string");
        StringFunctions.install(strings, new LuaBudget(LuaSettings.defaults(), ScriptEnvironment.DEFAULT_STATE_WAIT));
        for (LuaValue key : strings.keys()) {
            FALLBACK_STRINGS.rawset(key, strings.rawget(key));
        }
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
        Lua53Library.install(g, budget);
        library(g, "coroutine", settings.blockCoroutines() ? null : new CoroutineLib(), "block_coroutines");
        library(g, "io", settings.blockIo() ? null : new JseIoLib(), "block_io");
        library(g, "luajava", settings.blockLuajava() ? null : new LuajavaLib(), "block_luajava");
        library(g, "debug", settings.hideDebug() ? null : new DebugLib(), "hide_debug");
        if (settings.blockIo()) {
            g.get("io").rawset("write", new Print(script, budget, true));
        }
        if (settings.hideDebug()) {
            g.get("debug").rawset("traceback", new Traceback(budget));
        }
        // After DebugLib: the budget must be the library LuaJ's closures report to.
        g.load(budget);
        LoadState.install(g);
        LuaC.install(g);
        g.compiler = Lua53Compiler.INSTANCE;
        if (settings.blockBytecode()) {
            g.undumper = LuaSandbox::rejectBinary;
        }
        LuaTable os = OsFunctions.of(g.get("os"), settings.restrictOs(), budget);
        g.rawset("os", os);
        g.get("package").get("loaded").set("os", os);
        if (settings.restrictOs()) {
            // A full collection stops the whole broker; scripts have no business asking for one.
            g.rawset("collectgarbage", new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs args) {
                    return LuaValue.valueOf(0);
                }
            });
        }
        StringFunctions.install((LuaTable) g.get("string"), budget);
        TableFunctions.install((LuaTable) g.get("table"), budget);
        g.rawset("rawset", new RawSet(g.get("rawset"), budget));
        g.rawset("error", new ErrorFunction(budget));
        g.rawset("xpcall", new XPcall(budget));
        g.rawset("print", new Print(script, budget, false));
        // Lua errors raised by LuaJ itself read "file:12 message"; make them "file:12: message".
        g.running.errorfunc = new PositionError(budget);
        return g;
    }

    /** Loads {@code lib} as {@code name}, or, if the sandbox takes it away, a table that refuses naming {@code key}. */
    private static void library(Globals g, String name, LuaValue lib, String key) {
        if (lib != null) {
            g.load(lib);
            return;
        }
        LuaTable refusing = Refusals.library(name, new LuaTable(), key);
        g.rawset(name, refusing);
        g.get("package").get("loaded").set(name, refusing);
    }

    /**
     * Points the loaders at {@code env} (what scripts see as {@code _ENV}) and, if the sandbox
     * says so, confines them to {@code root}; {@code package.path} searches {@code root}.
     */
    static void confine(Globals g, LuaTable env, Path root, LuaSettings settings, LuaBudget budget) {
        Loaders loaders = new Loaders(g, env, root, settings.confineFiles(), budget);
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

    /**
     * Ends {@link #enter}. Clears the value rather than removing the entry: a removed entry is
     * made again by the next call's {@code set} on the same (lingering) lane thread, one
     * {@code WeakReference} per hook call, seen in a JFR profile of a Lua {@code auth_on_publish}
     * under load (2026-12-07, docs/benchmarks.md). A cleared entry holds nothing of the state.
     */
    static void exit() {
        CURRENT_STRINGS.set(null);
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
            throw new LuaError("binary (precompiled) chunks are not allowed (" + LuaSettings.KEY_PREFIX
                    + "block_bytecode: false allows them)");
        }
        return null; // not binary: LuaJ resets the stream and compiles the text
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

    /**
     * {@code xpcall(f, handler, ...)}: the handler gets the error value and its answer is the
     * second result, for errors raised with {@code error} too (LuaJ's passes those by). The
     * handler runs after the stack unwound, so {@code debug.traceback} shows where
     * {@code xpcall} was called from; the message still says where the error was raised.
     */
    private static final class XPcall extends VarArgFunction {
        private final LuaBudget budget;

        XPcall(LuaBudget budget) {
            this.budget = budget;
            this.name = "xpcall";
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue f = args.arg1();
            LuaValue handler = args.arg(2);
            LuaValue error;
            budget.onCall(this);
            try {
                return varargsOf(TRUE, f.invoke(args.subargs(3)));
            } catch (LuaError e) {
                error = e.getMessageObject() != null ? e.getMessageObject() : NIL;
            } catch (RuntimeException e) {
                error = valueOf(e.getMessage() != null ? e.getMessage() : e.toString());
            } finally {
                budget.onReturn();
            }
            try {
                return varargsOf(FALSE, handler.call(error));
            } catch (LuaError e) {
                return varargsOf(FALSE, e.getMessageObject() != null ? e.getMessageObject() : NIL);
            }
        }
    }

    /**
     * {@code print} (and {@code io.write} when the sandbox blocks {@code io}) to the broker log,
     * one line per call, tagged with the script, cut at {@value #MAX_LOG_LINE} bytes.
     */
    private static final class Print extends VarArgFunction {
        private final String script;
        private final LuaBudget budget;
        private final boolean write;

        /** @param write {@code io.write}: no separators, strings and numbers only, returns {@code io} for chaining */
        Print(String script, LuaBudget budget, boolean write) {
            this.script = script;
            this.budget = budget;
            this.write = write;
            this.name = write ? "write" : "print";
        }

        @Override
        public Varargs invoke(Varargs args) {
            int first = write && args.arg1().istable() ? 2 : 1;
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long cut = 0;
            for (int i = first; i <= args.narg(); i++) {
                LuaValue v = args.arg(i);
                if (write && !v.isstring()) {
                    argerror(i, "string expected, got " + v.typename());
                }
                LuaString text = v.isstring() ? v.strvalue() : LuaValue.valueOf(v.tojstring());
                budget.tick(Math.min(text.m_length, MAX_LOG_LINE) >> 6);
                int room = MAX_LOG_LINE - line.size() - (i > first && !write ? 1 : 0);
                if (room <= 0) {
                    cut += text.m_length;
                    continue;
                }
                if (i > first && !write) {
                    line.write('\t');
                }
                int n = Math.min(room, text.m_length);
                line.write(text.m_bytes, text.m_offset, n);
                cut += text.m_length - n;
            }
            if (SCRIPT_LOG.isInfoEnabled()) {
                String shown = line.toString(StandardCharsets.UTF_8);
                SCRIPT_LOG.info("{}: {}", script, cut == 0 ? shown : shown + "... (" + cut + " more bytes cut)");
            }
            return write ? args.arg1().istable() ? args.arg1() : NONE : NONE;
        }
    }

    /** {@code debug.traceback([message [, level]])} when the sandbox hides {@code debug}: the Lua frames. */
    private static final class Traceback extends VarArgFunction {
        private final LuaBudget budget;

        Traceback(LuaBudget budget) {
            this.budget = budget;
            this.name = "traceback";
        }

        @Override
        public Varargs invoke(Varargs args) {
            Varargs rest = args.arg1().isthread() ? args.subargs(2) : args;
            LuaValue message = rest.arg1();
            if (!message.isnil() && !message.isstring()) {
                return message;
            }
            String trace = budget.stackTrace();
            return valueOf(message.isnil() ? trace : message.tojstring() + "\n" + trace);
        }
    }

    /** {@code rawset}, charged like an assignment. */
    private static final class RawSet extends VarArgFunction {
        private final LuaValue original;
        private final LuaBudget budget;

        RawSet(LuaValue original, LuaBudget budget) {
            this.original = original;
            this.budget = budget;
            this.name = "rawset";
        }

        @Override
        public Varargs invoke(Varargs args) {
            budget.allocate(LuaBudget.ENTRY_CHARGE);
            return original.invoke(args);
        }
    }

    /**
     * The file loaders of one state: default environment {@code env}, optionally confined to a
     * directory. Confined, {@code dofile} and {@code loadfile} read only files inside it;
     * {@code require} also reads {@code .lua} files outside it along {@code package.path}, which
     * scripts extend with folders of their own.
     */
    private static final class Loaders {
        private static final String CONFINE_KEY = LuaSettings.KEY_PREFIX + "confine_files";

        private final Globals globals;
        private final LuaTable env;
        private final Path root;
        private final boolean confined;
        private final LuaBudget budget;

        Loaders(Globals globals, LuaTable env, Path root, boolean confined, LuaBudget budget) {
            this.globals = globals;
            this.env = env;
            this.root = root;
            this.confined = confined;
            this.budget = budget;
        }

        /** The file of a module along {@code package.path}: as {@link #resolve}, or any {@code .lua} file. */
        Path resolveModule(String file) {
            Path p = resolve(file);
            if (p == null && file.endsWith(".lua")) {
                return root.resolve(file).toAbsolutePath().normalize();
            }
            return p;
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
                        + ": outside the scripts directory " + root + " (" + CONFINE_KEY + ": false allows it)"));
            }
            return loadPath(p, name, mode, chunkEnv);
        }

        private Varargs loadPath(Path p, String name, String mode, LuaValue chunkEnv) {
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
                        BoundedBuffer out = new BoundedBuffer(budget, "load", 256);
                        for (LuaValue piece = chunk.call(); piece.isstring() && piece.length() > 0; piece = chunk.call()) {
                            out.append(piece.checkstring());
                        }
                        LuaString s = out.toLuaString();
                        bytes = s.m_bytes;
                        name = args.optjstring(2, "=(load)");
                    } else {
                        return argerror(1, "string or function expected");
                    }
                    // What the compiler builds from source text, about: its tree, code and constants.
                    budget.allocate(bytes.length * 8L);
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
                        Path p = resolveModule(file);
                        if (p == null) {
                            tried.append("\n\tno file '").append(file).append("' (outside the scripts directory only .lua files are read; ")
                                    .append(CONFINE_KEY).append(": false allows others)");
                            continue;
                        }
                        if (!Files.isRegularFile(p)) {
                            tried.append("\n\tno file '").append(file).append('\'');
                            continue;
                        }
                        Varargs loaded = loadPath(p, file, "bt", env);
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
