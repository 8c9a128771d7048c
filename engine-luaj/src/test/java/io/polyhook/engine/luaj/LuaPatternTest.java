package io.polyhook.engine.luaj;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;

import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The string and table functions that replace LuaJ's give what Lua 5.3 gives: each row is an
 * expression and the values Lua 5.3.6 returns for it (joined with ", "; an empty string shows as
 * {@code ''}; an error as {@code error: } and its message).
 */
class LuaPatternTest {

    private static final Globals LUA = LuaSandbox.newGlobals(LuaSettings.defaults(),
            new LuaBudget(LuaSettings.defaults(), Duration.ofSeconds(5)), "patterns");

    static {
        LUA.load("""
                function show(...)
                    local t = {}
                    for i = 1, select('#', ...) do
                        local v = select(i, ...)
                        t[i] = v == '' and "''" or tostring(v)
                    end
                    return table.concat(t, ', ')
                end
                function run(f)
                    local ok, a = pcall(function() return show(f()) end)
                    return ok and a or 'error: ' .. tostring(a):gsub('^[^:]*:%d+: ', '')
                end
                """, "=show").call();
    }

    private static final String TABLE = """
            string.find('hello world', 'o w')                 => 5, 7
            string.find('hello', 'l')                         => 3, 3
            string.find('hello', 'l', 1, true)                => 3, 3
            string.find('hello', 'xyz')                       => nil
            string.find('hello', '')                          => 1, 0
            string.find('hello', '', 6)                       => 6, 5
            string.find('hello', '', 10)                      => nil
            string.find('hello', 'l+')                        => 3, 4
            string.find('a.b', '.', 1, true)                  => 2, 2
            string.find('a.b', '%.')                          => 2, 2
            string.find('hello', '(l)(l)')                    => 3, 4, l, l
            string.find('hello', '()ll()')                    => 3, 4, 3, 5
            string.find('hello', '^h')                        => 1, 1
            string.find('hello', '^e')                        => nil
            string.find('hello', 'o$')                        => 5, 5
            string.find('hello', 'l', -2)                     => 4, 4
            string.find('hello', 'h', -10)                    => 1, 1
            string.find('THE (quick) fox', '%f[%a]%a+', 5)    => 6, 10
            string.find('a+b', '+', 1, true)                  => 2, 2
            ('key = value'):match('(%w+)%s*=%s*(%w+)')        => key, value
            ('  trim me  '):match('^%s*(.-)%s*$')             => trim me
            ('f(a(b)c)d'):match('%b()')                       => (a(b)c)
            ('hello'):match('.-')                             => ''
            ('hello'):match('(h)(e)(l)')                      => h, e, l
            ('x = 10'):match('%d+')                           => 10
            ('abc'):match('[^a]+')                            => bc
            ('a]b'):match('[]]')                              => ]
            ('a-b'):match('[a-]+')                            => a-
            ('hello hello'):match('(%a+) %1')                 => hello
            ('abab'):match('^(ab)%1$')                        => ab
            ('2024-01-02'):match('(%d+)-(%d+)-(%d+)')         => 2024, 01, 02
            string.match('  x', '()x')                        => 3
            ('hello'):match('%u')                             => nil
            ('Hello'):match('%u')                             => H
            ('[test]'):match('^%[(.*)%]$')                    => test
            ('%d'):match('%%d')                               => %d
            ('one two'):match('^(%S+)%s+(%S+)$')              => one, two
            ('x'):match('x?x?x')                              => x
            ('aaa'):match('a-b')                              => nil
            ('aaab'):match('a-b')                             => aaab
            ('0x1F'):match('^0[xX](%x+)$')                    => 1F
            ('a,b;c'):match('[%p]')                           => ,
            ('tab\\there'):match('%c')                         => \\t
            ('hello'):match('', 10)                           => nil
            ('abc'):match('^(a)(b)(c)$')                      => a, b, c
            ('THE END'):match('%f[%w]%w+$')                   => END
            ('hello'):match('l*')                             => ''
            ('hello'):match('el*')                            => ell
            (function() local t = {} for k, v in ('a=1, b=2'):gmatch('(%w+)=(%w+)') do t[#t+1] = k .. v end return table.concat(t, ' ') end)() => a1 b2
            (function() local t = {} for w in ('one two  three'):gmatch('%a+') do t[#t+1] = w end return table.concat(t, ',') end)() => one,two,three
            (function() local n = 0 for w in ('abc'):gmatch('') do n = n + 1 end return n end)() => 4
            (function() local t = {} for w in ('a b'):gmatch('%a*') do t[#t+1] = '[' .. w .. ']' end return table.concat(t) end)() => [a][b]
            (function() local t = {} for w in ('^a^a'):gmatch('^a') do t[#t+1] = w end return #t end)() => 2
            ('hello world'):gsub('o', '0')                    => hell0 w0rld, 2
            ('hello world'):gsub('o', '0', 1)                 => hell0 world, 1
            ('hello'):gsub('', '-')                           => -h-e-l-l-o-, 6
            ('abc'):gsub('%w*', 'x')                          => x, 1
            ('a b cd'):gsub(' *', '-')                        => -a-b-c-d-, 5
            ('hello world'):gsub('(%w+)', '<%1>')             => <hello> <world>, 2
            ('hello world'):gsub('%w+', '%0 %0', 1)           => hello hello world, 1
            ('abc'):gsub('%w', '%%')                          => %%%, 3
            ('hello'):gsub('l', {l = 'L'})                    => heLLo, 2
            ('hello'):gsub('l', {})                           => hello, 2
            ('hello'):gsub('(l)', function(c) return c:upper() end) => heLLo, 2
            ('hello'):gsub('l', function() return false end)  => hello, 2
            ('abc'):gsub('b', 5)                              => a5c, 1
            ('x=1'):gsub('(%w)=(%w)', '%2=%1')                => 1=x, 1
            ('aaa'):gsub('^a', 'X')                           => Xaa, 1
            ('hello'):gsub('()l', '%1')                       => he34o, 2
            ('abc'):gsub('%w', '%1')                          => abc, 3
            ('x'):gsub('x', '%2')                             => error: invalid capture index %2
            ('x'):gsub('x', '%z')                             => error: invalid use of '%' in replacement string
            ('x'):gsub('x', 'a%')                             => error: invalid use of '%' in replacement string
            ('abc'):gsub('%w', {a = true})                    => error: invalid replacement value (a boolean)
            ('x'):find('%')                                   => error: malformed pattern (ends with '%')
            ('x'):find('[a')                                  => error: malformed pattern (missing ']')
            ('x'):find('(x')                                  => error: unfinished capture
            ('x'):find('x)')                                  => nil
            ('x'):match('x)')                                 => error: invalid pattern capture
            ('x'):find('%1')                                  => error: invalid capture index %1
            ('x'):find('%f')                                  => error: missing '[' after '%f' in pattern
            ('x'):find('%b')                                  => error: malformed pattern (missing arguments to '%b')
            ('a'):rep(40):match(('(a)'):rep(33))              => error: too many captures
            ('a'):rep(250):match(('a?'):rep(250))             => error: pattern too complex
            ('ab'):rep(3, ',')                                => ab,ab,ab
            ('ab'):rep(1, ',')                                => ab
            ('ab'):rep(0)                                     => ''
            ('ab'):rep(-1)                                    => ''
            string.rep('', 1e15)                              => ''
            string.rep('', 1e15, '')                          => ''
            ('hello'):sub(2, -2)                              => ell
            ('hello'):sub(-3)                                 => llo
            ('hello'):sub(0)                                  => hello
            ('hello'):sub(10)                                 => ''
            ('hello'):sub(3, 2)                               => ''
            ('hello'):byte(1, -1)                             => 104, 101, 108, 108, 111
            ('hello'):byte()                                  => 104
            ('hello'):byte(-1)                                => 111
            select('#', (''):byte())                          => 0
            string.char(104, 105)                             => hi
            string.char(256)                                  => error: bad argument #1: value out of range
            ('Hello World'):upper()                           => HELLO WORLD
            ('Hello World'):lower()                           => hello world
            ('abc'):reverse()                                 => cba
            table.unpack({1, 2, 3})                           => 1, 2, 3
            table.unpack({1, 2, 3}, 2)                        => 2, 3
            table.unpack({1, 2, 3}, 2, 5)                     => 2, 3, nil, nil
            table.unpack({}, 1, 2^28)                         => error: too many results to unpack
            table.concat({1, 2, 'x'}, '-')                    => 1-2-x
            table.concat({'a', 'b', 'c'}, ',', 2)             => b,c
            table.concat({})                                  => ''
            table.concat({{}})                                => error: invalid value (at index 1) in table for 'concat'
            (function() local t = {5, 2, 8, 1, 9, 3} table.sort(t) return table.concat(t, ' ') end)() => 1 2 3 5 8 9
            (function() local t = {5, 2, 8, 1} table.sort(t, function(a, b) return a > b end) return table.concat(t, ' ') end)() => 8 5 2 1
            (function() local t = {'b', 'c', 'a'} table.sort(t) return table.concat(t) end)() => abc
            select(2, pcall(table.sort, {1, 'x'})):match('attempt to compare') => attempt to compare
            os.date('!%Y-%m-%d %H:%M:%S', 86400)              => 1970-01-02 00:00:00
            #os.date('!' .. ('%Y'):rep(300), 0)               => 1200
            os.date('!' .. ('%Y'):rep(300), 0):sub(-8)        => 19701970
            os.date('!*t', 86400 * 365).year                  => 1971
            os.date('!*t', 86400).wday                        => 6
            """;

    static Stream<Arguments> rows() {
        return TABLE.lines().filter(l -> !l.isBlank()).map(l -> {
            int arrow = l.lastIndexOf(" => ");
            return Arguments.of(l.substring(0, arrow).strip(), l.substring(arrow + 4).strip());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void gives_what_lua_5_3_gives(String expression, String expected) {
        String shown = LUA.get("run").call(LUA.load("return " + expression, "=row")).tojstring();
        assertThat(shown).isEqualTo(expected.replace("\\t", "\t"));
    }
}
