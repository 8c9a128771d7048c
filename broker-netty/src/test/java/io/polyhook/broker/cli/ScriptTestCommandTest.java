package io.polyhook.broker.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code polyhook script test}: what it reports and how it exits, for passing, failing and unusable tests. */
class ScriptTestCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int scriptTest(String... args) {
        CommandLine cl = new CommandLine(new PolyhookCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("script", "test"));
        all.addAll(List.of(args));
        return cl.execute(all.toArray(String[]::new));
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private String report() {
        return out.toString();
    }

    private static final String REGISTER_LUA = """
            function auth_on_register(reg)
                if reg.username == "alice" then return true end
                if reg.username == "bob" then return false, "banned", "go away" end
                return nil
            end
            hooks = {auth_on_register = auth_on_register}
            """;

    @Test
    void passingCasesAreListedAndExitZero() throws IOException {
        write("auth.lua", REGISTER_LUA);
        write("auth.test.yaml", """
                cases:
                  - {name: alice is admitted, hook: auth_on_register, args: {username: alice}, expect: ok}
                  - {name: bob is banned, hook: auth_on_register, args: {username: bob}, expect: {deny: [banned, go away]}}
                  - {name: others are left to the next, hook: auth_on_register, args: {}, expect: next}
                """);

        assertThat(scriptTest(dir.toString())).as(report()).isZero();
        assertThat(report()).contains("auth.lua (luaj)", "PASS  alice is admitted", "PASS  bob is banned",
                "PASS  others are left to the next", "PASSED  3 cases (1 test file, 1 script)");
    }

    @Test
    void aFailingCaseSaysWhereWhatWasExpectedAndWhatHappenedAndExitsOne() throws IOException {
        write("auth.lua", REGISTER_LUA);
        Path test = write("auth.test.yaml", """
                cases:
                  - name: alice is admitted
                    hook: auth_on_register
                    args: {username: alice}
                    expect: ok
                  - name: alice is refused
                    hook: auth_on_register
                    args: {username: alice}
                    expect: deny
                """);

        assertThat(scriptTest(test.toString())).isEqualTo(1);
        assertThat(report()).contains("PASS  alice is admitted", "FAIL  alice is refused",
                "at " + test + ":9 (auth_on_register)", "expected  deny", "actual    ok",
                "FAILED  1 of 2 cases failed (1 test file, 1 script)");
    }

    @Test
    void aDifferentReasonCodeIsShown() throws IOException {
        write("auth.lua", REGISTER_LUA);
        write("auth.test.yaml", """
                cases:
                  - {name: bob is refused, hook: auth_on_register, args: {username: bob}, expect: {deny: not_authorized}}
                """);

        assertThat(scriptTest(dir.toString())).isEqualTo(1);
        assertThat(report()).contains("expected  deny not_authorized", "actual    deny banned \"go away\"",
                "differs   reason code: expected not_authorized, was banned", "differs   reason: expected none, was \"go away\"");
    }

    @Test
    void modifiersThatDifferAreShownKeyByKey() throws IOException {
        write("rewrite.lua", """
                function auth_on_publish(pub) return {topic = "in/" .. pub.topic, qos = 1} end
                hooks = {auth_on_publish = auth_on_publish}
                """);
        write("rewrite.test.yaml", """
                cases:
                  - {name: rewrites, hook: auth_on_publish, args: {topic: a/b}, expect: {ok: {topic: in/a/b, qos: 1.0}}}
                  - {name: wrong rewrite, hook: auth_on_publish, args: {topic: a/b}, expect: {ok: {topic: out/a/b, retain: true}}}
                  - {name: no rewrite, hook: auth_on_publish, args: {topic: a/b}, expect: ok}
                """);

        assertThat(scriptTest(dir.toString())).isEqualTo(1);
        assertThat(report()).contains("PASS  rewrites", "FAIL  wrong rewrite",
                "expected  ok {topic: \"out/a/b\", retain: true}", "actual    ok {topic: \"in/a/b\", qos: 1}",
                "differs   topic: expected \"out/a/b\", was \"in/a/b\"", "differs   retain: expected true, missing",
                "differs   qos: not expected, was 1",
                "FAIL  no rewrite", "differs   expected no modifiers, was {topic: \"in/a/b\", qos: 1}");
    }

    @Test
    void aScriptErrorIsReportedWithItsFileLineAndWhatTheCaseLogged() throws IOException {
        Path script = write("boom.lua", """
                function auth_on_publish(pub)
                    log.info("checking " .. pub.topic)
                    error("kaboom")
                end
                hooks = {auth_on_publish = auth_on_publish}
                """);
        write("boom.test.yaml", """
                cases:
                  - {name: expected error, hook: auth_on_publish, args: {topic: t}, expect: {error: kaboom}}
                  - {name: other error expected, hook: auth_on_publish, args: {topic: t}, expect: {error: timeout}}
                  - {name: no error expected, hook: auth_on_publish, args: {topic: t}, expect: ok}
                """);

        assertThat(scriptTest(dir.toString())).isEqualTo(1);
        assertThat(report()).contains("PASS  expected error", "FAIL  other error expected",
                "differs   the error does not contain \"timeout\"", "FAIL  no error expected",
                "actual    error: " + script + ":3: kaboom", "log       INFO  checking t");
    }

    @Test
    void invalidModifiersAreAnErrorNamingTheField() throws IOException {
        write("bad.lua", """
                hooks = {auth_on_publish = function(pub) return {topic = "a/#"} end}
                """);
        write("bad.test.yaml", """
                cases:
                  - {name: wildcard topic, hook: auth_on_publish, args: {topic: t}, expect: ok}
                """);

        assertThat(scriptTest(dir.toString())).isEqualTo(1);
        assertThat(report()).contains("actual    error: invalid modifiers: topic must be a topic name without wildcards, was \"a/#\"");
    }

    @Test
    void fixturesAnswerDatabaseCallsAndAnUnansweredCallFailsTheCaseEvenWhenTheScriptCatchesIt() throws IOException {
        write("users.lua", """
                postgres.ensure_pool{pool_id = "users"}
                function auth_on_register(reg)
                    local ok, rows = pcall(postgres.execute, "users", "SELECT name FROM users WHERE name = $1", reg.username)
                    if not ok then return nil end
                    return #rows > 0
                end
                hooks = {auth_on_register = auth_on_register}
                """);
        write("users.test.yaml", """
                fixtures:
                  - call: postgres.execute
                    pool: users
                    query: FROM users
                    params: [alice]
                    returns: [{name: alice}]
                  - call: postgres.execute
                    query: FROM users
                    params: [bob]
                    returns: []
                cases:
                  - {name: alice is known, hook: auth_on_register, args: {username: alice}, expect: ok}
                  - {name: bob is not, hook: auth_on_register, args: {username: bob}, expect: deny}
                  - {name: carol has no fixture, hook: auth_on_register, args: {username: carol}, expect: next}
                """);

        assertThat(scriptTest(dir.toString())).isEqualTo(1);
        assertThat(report()).contains("PASS  alice is known", "PASS  bob is not", "FAIL  carol has no fixture",
                "call      postgres.execute(\"users\", \"SELECT name FROM users WHERE name = $1\", \"carol\") matched no fixture",
                "FAILED  1 of 3 cases failed");
    }

    @Test
    void aCasesFixturesComeFirstAndALibraryOnlyACaseNamesIsRealInTheOtherCases() throws IOException {
        write("decode.lua", """
                hooks = {auth_on_publish = function(pub) return json.decode(pub.payload).allowed end}
                """);
        write("decode.test.yaml", """
                cases:
                  - name: the real json library
                    hook: auth_on_publish
                    args: {topic: t, payload: '{"allowed": true}'}
                    expect: ok
                  - name: json answered by a fixture in this case only
                    hook: auth_on_publish
                    args: {topic: t, payload: '{"allowed": true}'}
                    fixtures:
                      - {call: json.decode, returns: {allowed: false}}
                    expect: deny
                  - name: the real library again
                    hook: auth_on_publish
                    args: {topic: t, payload: '{"allowed": false}'}
                    expect: deny
                """);

        assertThat(scriptTest(dir.toString())).as(report()).isZero();
    }

    @Test
    void aJavaScriptScriptIsTestedTheSameWay() throws IOException {
        write("limits.js", """
                var hooks = {
                    auth_on_publish(pub) {
                        if (pub.topic.startsWith("admin/")) return deny("not_authorized", "admin topics are read-only");
                        return {topic: "in/" + pub.topic};
                    },
                    auth_on_subscribe(sub) {
                        return sub.topics.map(([filter, qos]) => [filter, Math.min(qos, 1)]);
                    },
                };
                """);
        write("limits.test.yaml", """
                cases:
                  - {name: rewrites, hook: auth_on_publish, args: {topic: a}, expect: {ok: {topic: in/a}}}
                  - {name: admin is read-only, hook: auth_on_publish, args: {topic: admin/x},
                     expect: {deny: [not_authorized, admin topics are read-only]}}
                  - {name: qos capped, hook: auth_on_subscribe, args: {topics: [[a, 2], [b, 0]]}, expect: {ok: [[a, 1], [b, 0]]}}
                  - {name: wrongly expected, hook: auth_on_publish, args: {topic: admin/x}, expect: ok}
                """);

        assertThat(scriptTest(dir.toString())).isEqualTo(1);
        assertThat(report()).contains("limits.js (graaljs)", "PASS  rewrites", "PASS  admin is read-only", "PASS  qos capped",
                "FAIL  wrongly expected", "actual    deny not_authorized \"admin topics are read-only\"");
    }

    @Test
    void aScriptOnTheCommandLineRunsItsTestFileAgainstItAlone() throws IOException {
        Path lua = write("allow.lua", "hooks = {auth_on_publish = function(pub) return true end}\n");
        write("allow.js", "var hooks = {auth_on_publish(pub) { return false; }};\n");
        write("allow.test.yaml", """
                cases:
                  - {name: publishes are allowed, hook: auth_on_publish, args: {topic: t}, expect: ok}
                """);

        assertThat(scriptTest(lua.toString())).as(report()).isZero();
        assertThat(report()).contains("allow.lua (luaj)").doesNotContain("graaljs");
    }

    @Test
    void withoutScriptKeyEveryScriptOfTheBaseNameIsTested() throws IOException {
        write("allow.lua", "hooks = {auth_on_publish = function(pub) return true end}\n");
        write("allow.js", "var hooks = {auth_on_publish(pub) { return false; }};\n");
        write("allow.test.yaml", """
                cases:
                  - {name: publishes are allowed, hook: auth_on_publish, args: {topic: t}, expect: ok}
                """);

        assertThat(scriptTest(dir.toString())).isEqualTo(1);
        assertThat(report()).contains("allow.js (graaljs)", "allow.lua (luaj)", "FAILED  1 of 2 cases failed (1 test file, 2 scripts)");
    }

    @Test
    void notificationsPassWhenTheyRunAndFailWithTheirError() throws IOException {
        write("gone.lua", """
                function on_client_gone(c)
                    if c.client_id == "bad" then error("cannot clean up " .. c.client_id) end
                end
                hooks = {on_client_gone = on_client_gone}
                """);
        write("gone.test.yaml", """
                cases:
                  - {name: a client goes, hook: on_client_gone, args: {client_id: good}}
                  - {name: a client fails to go, hook: on_client_gone, args: {client_id: bad}, expect: {error: cannot clean up bad}}
                  - {name: unexpected failure, hook: on_client_gone, args: {client_id: bad}}
                """);

        assertThat(scriptTest(dir.toString())).isEqualTo(1);
        assertThat(report()).contains("PASS  a client goes", "PASS  a client fails to go", "FAIL  unexpected failure",
                "gone.lua:2: cannot clean up bad");
    }

    @Test
    void aCallThatMissesTheHookDeadlineIsAnErrorAndTheNextCaseRuns() throws IOException {
        // bcrypt at cost 16 takes seconds; scripts.hook_timeout from the config stops the call.
        write("slow.lua", """
                function auth_on_publish(pub)
                    if pub.topic == "slow" then bcrypt.hashpw("secret", "$2a$16$abcdefghijklmnopqrstuu") end
                    return true
                end
                hooks = {auth_on_publish = auth_on_publish}
                """);
        write("slow.test.yaml", """
                cases:
                  - {name: too slow, hook: auth_on_publish, args: {topic: slow}, expect: ok}
                  - {name: fast, hook: auth_on_publish, args: {topic: fast}, expect: ok}
                """);
        Path config = write("polyhook.yaml", "scripts: {hook_timeout: 100ms}\n");

        assertThat(scriptTest("--config", config.toString(), dir.resolve("slow.test.yaml").toString())).isEqualTo(1);
        assertThat(report()).contains("FAIL  too slow", "actual    error: missed its deadline of 100 ms (scripts.hook_timeout)",
                "PASS  fast");
    }

    @Test
    void aScriptThatDoesNotLoadFailsWithItsErrorAndExitsOne() throws IOException {
        Path script = write("broken.lua", "function (\n");
        write("broken.test.yaml", """
                cases:
                  - {name: never runs, hook: on_client_gone, args: {}}
                """);

        assertThat(scriptTest(dir.toString())).isEqualTo(1);
        assertThat(report()).contains("FAIL  the script did not load: " + script + ":1:", "1 script did not load");
    }

    @Test
    void aRealServerAnswersALibraryNoFixtureNames() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/check", exchange -> {
            String query = String.valueOf(exchange.getRequestURI().getQuery());
            exchange.sendResponseHeaders(query.equals("topic=allowed") ? 200 : 403, -1);
            exchange.close();
        });
        server.start();
        try {
            // The script asks a web service; the test passes the service's address in the payload.
            write("remote.lua", """
                    http.ensure_pool{pool_id = "remote"}
                    function auth_on_publish(pub)
                        local res = http.get("remote", pub.payload .. "?topic=" .. pub.topic)
                        return res ~= false and res.status == 200
                    end
                    hooks = {auth_on_publish = auth_on_publish}
                    """);
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/check";
            write("remote.test.yaml", """
                    cases:
                      - {name: the service allows, hook: auth_on_publish, args: {topic: allowed, payload: "%s"}, expect: ok}
                      - {name: the service refuses, hook: auth_on_publish, args: {topic: other, payload: "%s"}, expect: deny}
                    """.formatted(url, url));

            assertThat(scriptTest(dir.toString())).as(report()).isZero();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theConfigFileReachesTheLibraries() throws IOException {
        write("policy.lua", """
                hooks = {auth_on_register = function(reg) return polyhook.config("auth.postgres.unknown_user") == "deny" end}
                """);
        write("policy.test.yaml", """
                cases:
                  - {name: the config says deny, hook: auth_on_register, args: {}, expect: ok}
                """);
        Path config = write("polyhook.yaml", """
                auth:
                  postgres: {enabled: false, unknown_user: deny}
                """);

        assertThat(scriptTest(dir.toString())).isEqualTo(1);
        out.getBuffer().setLength(0);
        assertThat(scriptTest("--config", config.toString(), dir.toString())).as(report()).isZero();
    }

    @Test
    void withoutPathsTheScriptsDirectoryOfTheConfigIsTested() throws IOException {
        write("scripts/allow.lua", "hooks = {auth_on_publish = function(pub) return true end}\n");
        write("scripts/allow.test.yaml", """
                cases:
                  - {name: publishes are allowed, hook: auth_on_publish, args: {topic: t}, expect: ok}
                """);
        Path config = write("polyhook.yaml", "scripts: {dir: \"" + dir.resolve("scripts").toString().replace("\\", "/") + "\"}\n");

        assertThat(scriptTest("--config", config.toString())).as(report() + err).isZero();
        assertThat(report()).contains("PASS  publishes are allowed");
    }

    @Test
    void aBadConfigExitsTwo() throws IOException {
        Path config = write("polyhook.yaml", "scripts: {states: -1}\n");

        assertThat(scriptTest("--config", config.toString(), dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("polyhook: bad config:");
    }

    @Test
    void nothingToRunExitsTwo() {
        assertThat(scriptTest(dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("polyhook: no test files (*.test.yaml, *.test.yml) in " + dir);

        assertThat(scriptTest(dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("missing does not exist");
    }

    @Test
    void aScriptWithoutATestFileExitsTwo() throws IOException {
        Path lua = write("lonely.lua", "hooks = {}\n");

        assertThat(scriptTest(lua.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no test file for " + lua + ": expected ");
    }

    @Test
    void anUnusableTestFileExitsTwoAndTheOtherFilesStillRun() throws IOException {
        write("allow.lua", "hooks = {auth_on_publish = function(pub) return true end}\n");
        write("allow.test.yaml", """
                cases:
                  - {name: publishes are allowed, hook: auth_on_publish, args: {topic: t}, expect: ok}
                """);
        write("other.lua", "hooks = {}\n");
        Path bad = write("other.test.yaml", """
                cases:
                  - name: typo
                    hook: auth_on_publsh
                    expect: ok
                """);

        assertThat(scriptTest(dir.toString())).isEqualTo(2);
        assertThat(report()).contains("PASS  publishes are allowed",
                "ERROR  " + bad + ":3: auth_on_publsh is not a hook (hooks: auth_on_register,",
                "FAILED  1 case passed, 1 test file unusable (2 test files, 1 script)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            invalid YAML           | 'cases: [ {name: x'                                                                   | 1 | not valid YAML
            an unknown top key     | 'case: []'                                                                            | 1 | case is not a test file key (script, scripts_dir, fixtures, cases)
            no cases               | 'fixtures: []'                                                                        | 1 | a test file needs cases
            a case without a name  | 'cases: [{hook: on_client_gone}]'                                                     | 1 | a case needs a name
            an unknown argument    | 'cases: [{name: x, hook: auth_on_publish, args: {topic: t, usr: a}, expect: ok}]'    | 1 | args: usr is not an argument of auth_on_publish (its arguments: username, mountpoint, client_id, qos, topic, payload, retain)
            a missing argument     | 'cases: [{name: x, hook: auth_on_publish, args: {}, expect: ok}]'                     | 1 | args: auth_on_publish needs the argument topic
            a chain without expect | 'cases: [{name: x, hook: auth_on_publish, args: {topic: t}}]'                         | 1 | auth_on_publish decides: say what it should, expect: ok, deny, next or error
            a wrong expect word    | 'cases: [{name: x, hook: auth_on_publish, args: {topic: t}, expect: allow}]'          | 1 | expect must be ok, deny, next or error, was "allow"
            a Lua return value     | 'cases: [{name: x, hook: auth_on_publish, args: {topic: t}, expect: true}]'           | 1 | expect must be ok, deny, next or error, was true (write ok where the script returns true, deny for false)
            invalid modifiers      | 'cases: [{name: x, hook: auth_on_publish, args: {topic: t}, expect: {ok: {qos: 3}}}]' | 1 | expect.ok: qos must be 0, 1 or 2, was 3
            an unknown reason code | 'cases: [{name: x, hook: auth_on_publish, args: {topic: t}, expect: {deny: nope}}]'   | 1 | expect.deny: reason_code must be an MQTT 5 error reason name
            a notification denying | 'cases: [{name: x, hook: on_client_gone, expect: deny}]'                              | 1 | on_client_gone is a notification, it decides nothing: expect ok or error
            a fixture without call | 'fixtures: [{returns: 1}]'                                                            | 1 | a fixture needs call: library.function
            a fixture without answer | 'fixtures: [{call: a.b}]'                                                           | 1 | a fixture needs either returns (the value; null for nil) or error (a message)
            a bad query            | 'fixtures: [{call: a.b, query: "(", returns: 1}]'                                     | 1 | query is not a regular expression
            args with params       | 'fixtures: [{call: a.b, args: [], params: [], returns: 1}]'                           | 1 | args lists every argument of the call; it does not go with pool, query or params
            a missing script       | 'script: nope.lua'                                                                    | 1 | script nope.lua does not exist
            """)
    void anUnusableTestFileIsReportedWithItsLine(String what, String yaml, int line, String message) throws IOException {
        write("s.lua", "hooks = {}\n");
        Path test = write("s.test.yaml", yaml + "\n");

        assertThat(scriptTest(dir.toString())).as(report()).isEqualTo(2);
        assertThat(report()).contains("ERROR  " + test + (line > 0 ? ":" + line : "") + ": " + message);
    }
}
