package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The {@code os} a script gets. With {@code restrict_os} (the default) it keeps what reads the
 * clock and the environment ({@code clock}, {@code date}, {@code time}, {@code difftime},
 * {@code getenv}: VerneMQ scripts use them) and refuses what runs programs, changes files or
 * ends the process, naming the key. {@code os.date} is bounded either way: its output is checked
 * against {@code max_string_size} before it is built, and a long format is formatted in pieces,
 * each a step of the budget.
 */
final class OsFunctions {

    private static final String[] ALLOWED = {"clock", "date", "time", "difftime", "getenv"};

    private OsFunctions() {
    }

    /** The {@code os} table: {@code full} (LuaJ's), restricted if {@code restrict}, with a bounded {@code date}. */
    static LuaTable of(LuaValue full, boolean restrict, LuaBudget budget) {
        LuaTable os;
        if (restrict) {
            os = new LuaTable();
            for (String name : ALLOWED) {
                os.rawset(name, full.get(name));
            }
            Refusals.library("os", os, "restrict_os");
        } else {
            os = (LuaTable) full;
        }
        os.rawset("date", new Date(full.get("date"), full.get("time"), budget));
        return os;
    }

    /** LuaJ's {@code os.date}, bounded. */
    private static final class Date extends VarArgFunction {
        // Format directives per piece of a long format.
        private static final int PIECE = 256;
        // The longest a directive formats to ("%c": "Thu Dec  7 00:15:00 2026"), with room.
        private static final int PER_DIRECTIVE = 32;

        private final LuaValue original;
        private final LuaValue time;
        private final LuaBudget budget;

        Date(LuaValue original, LuaValue time, LuaBudget budget) {
            this.original = original;
            this.time = time;
            this.budget = budget;
            this.name = "date";
        }

        @Override
        public Varargs invoke(Varargs args) {
            if (!args.arg1().isstring()) {
                return original.invoke(args);
            }
            LuaString format = args.checkstring(1);
            byte[] b = format.m_bytes;
            int from = format.m_offset;
            int end = from + format.m_length;
            boolean utc = format.m_length > 0 && b[from] == '!';
            if (utc) {
                from++;
            }
            if (end - from >= 2 && b[from] == '*' && b[from + 1] == 't') {
                return utc ? utcTable(args.isnoneornil(2) ? time.call() : args.arg(2)) : original.invoke(args);
            }
            long directives = 0;
            for (int i = from; i < end; i++) {
                if (b[i] == '%') {
                    directives++;
                    i++;
                }
            }
            budget.allocateString((double) (end - from) + directives * PER_DIRECTIVE, "os.date");
            if (directives <= PIECE) {
                return original.invoke(args);
            }
            // Every piece formats the same instant.
            LuaValue when = args.isnoneornil(2) ? time.call() : args.arg(2);
            BoundedBuffer out = new BoundedBuffer(budget, "os.date", (int) Math.min(end - from, Integer.MAX_VALUE));
            int start = from;
            while (start < end) {
                int i = start;
                int count = 0;
                while (i < end && count < PIECE) {
                    if (b[i] == '%') {
                        count++;
                        i += 2;
                    } else {
                        i++;
                    }
                }
                i = Math.min(i, end);
                budget.tick(count);
                LuaString piece = LuaString.valueOf(format.m_bytes, start, i - start);
                out.append(original.call(utc ? LuaString.valueOf("!").concat(piece) : piece, when).checkstring());
                start = i;
            }
            return out.toLuaString();
        }

        // LuaJ answers "!*t" with a string; Lua with the table of the UTC time.
        private static LuaTable utcTable(LuaValue seconds) {
            ZonedDateTime t = Instant.ofEpochSecond(seconds.checklong()).atZone(ZoneOffset.UTC);
            LuaTable table = new LuaTable();
            table.rawset("year", valueOf(t.getYear()));
            table.rawset("month", valueOf(t.getMonthValue()));
            table.rawset("day", valueOf(t.getDayOfMonth()));
            table.rawset("hour", valueOf(t.getHour()));
            table.rawset("min", valueOf(t.getMinute()));
            table.rawset("sec", valueOf(t.getSecond()));
            table.rawset("wday", valueOf(t.getDayOfWeek().getValue() % 7 + 1));
            table.rawset("yday", valueOf(t.getDayOfYear()));
            table.rawset("isdst", FALSE);
            return table;
        }
    }
}
