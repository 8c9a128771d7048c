package io.polyhook.core.script.internal;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.ClientLane;
import io.polyhook.core.hook.internal.DispatchSettings;
import io.polyhook.core.hook.internal.HookDispatcher;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.script.ScriptEnvironment;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.ScriptSource;
import io.polyhook.core.script.fake.FakeContexts;
import io.polyhook.core.script.fake.FakeEngine;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.Modifiers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScriptManagerTest {

    @TempDir
    Path dir;

    private final HookRegistry registry = new HookRegistry();
    private final HookDispatcher dispatcher = new HookDispatcher(registry, DispatchSettings.defaults());
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final ScriptManager scripts = new ScriptManager(registry,
            ScriptEngines.discover(ScriptManagerTest.class.getClassLoader()), ScriptEnvironment::defaults,
            new SettableClock(now));
    private final ClientLane lane = dispatcher.newLane("c");

    @AfterEach
    void close() {
        scripts.close();
        dispatcher.close();
    }

    // --- loading a directory and extra files

    @Test
    void loadsTheDirectoryAlphabeticallyNotRecursivelyAndOnlyKnownExtensions() throws Exception {
        Path b = write("b.fake", "auth_on_publish = ok");
        Path a = write("a.fake", "auth_on_publish = deny");
        write("notes.txt", "auth_on_publish = ok");
        write("sub/c.fake", "auth_on_publish = ok");
        write(".#a.fake", "auth_on_publish = ok");

        LoadReport report = scripts.loadAll(dir, List.of());

        assertThat(report.loaded()).extracting(ScriptInfo::path).containsExactly(a, b);
        assertThat(report.allLoaded()).isTrue();
        assertThat(registry.handlers(Hooks.AUTH_ON_PUBLISH)).containsExactly(origin(a), origin(b));
    }

    @Test
    void bundledScriptsLoadBetweenTheDirectoryAndTheExtraFiles() throws Exception {
        Path inDir = write("scripts/m.fake", "auth_on_publish = next");
        Path bundled = write("bundled/auth/db.fake", "auth_on_publish = next");
        Path extra = write("extra/z.fake", "auth_on_publish = ok");

        LoadReport report = scripts.loadAll(dir.resolve("scripts"),
                List.of(new ScriptSource(bundled, dir.resolve("bundled"))), List.of(extra));

        assertThat(report.loaded()).extracting(ScriptInfo::path).containsExactly(inDir, bundled, extra);
        assertThat(registry.handlers(Hooks.AUTH_ON_PUBLISH)).containsExactly(origin(inDir), origin(bundled), origin(extra));
    }

    @Test
    void extraFilesLoadAfterTheDirectoryInTheGivenOrder() throws Exception {
        Path inDir = write("scripts/m.fake", "auth_on_publish = ok");
        Path z = write("extra/z.fake", "auth_on_publish = ok");
        Path y = write("extra/y.fake", "auth_on_publish = ok");

        scripts.loadAll(dir.resolve("scripts"), List.of(z, y));

        assertThat(scripts.list()).extracting(ScriptInfo::path).containsExactly(inDir, z, y);
    }

    @Test
    void aMissingDirectoryIsAWarningAndTheExtraFilesStillLoad() throws Exception {
        Path extra = write("x.fake", "auth_on_publish = ok");

        LoadReport report = scripts.loadAll(dir.resolve("nowhere"), List.of(extra));

        assertThat(report.warnings()).singleElement().asString().contains("nowhere").contains("does not exist");
        assertThat(report.failed()).isEmpty();
        assertThat(report.loaded()).extracting(ScriptInfo::path).containsExactly(extra);
    }

    @Test
    void aFailingScriptIsReportedWithFileAndLineAndTheOthersLoad() throws Exception {
        Path a = write("a.fake", "auth_on_publish = ok");
        Path b = write("b.fake", "# broken", "fail-load attempt to call a nil value");
        Path c = write("c.fake", "auth_on_publish = ok");

        LoadReport report = scripts.loadAll(dir, List.of());

        assertThat(report.loaded()).extracting(ScriptInfo::path).containsExactly(a, c);
        assertThat(report.failed()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo(b);
            assertThat(f.message()).endsWith("b.fake:2: attempt to call a nil value");
        });
        assertThat(scripts.find(b)).isEmpty();
    }

    // --- loading one script

    @Test
    void loadingALoadedPathFails() throws Exception {
        Path a = write("a.fake", "auth_on_publish = ok");
        scripts.load(a);

        assertThatThrownBy(() -> scripts.load(a)).isInstanceOf(ScriptLoadException.class)
                .hasMessageContaining("a.fake").hasMessageContaining("already loaded");
        assertThat(registry.handlers(Hooks.AUTH_ON_PUBLISH)).containsExactly(origin(a));
    }

    @Test
    void aPathIsTheSameScriptHoweverItIsWritten() throws Exception {
        Path x = write("x.fake", "auth_on_publish = ok");
        Files.createDirectories(dir.resolve("a"));
        Path roundabout = dir.resolve("./a/../x.fake");
        Path relative = Path.of("").toAbsolutePath().relativize(x);

        ScriptInfo info = scripts.load(roundabout);

        assertThat(info.path()).isEqualTo(x);
        assertThat(scripts.find(relative)).contains(info);
        assertThatThrownBy(() -> scripts.load(relative)).hasMessageContaining("already loaded");
    }

    @Test
    void aFileWithAnExtensionNoEngineTakesIsRefused() throws Exception {
        Path txt = write("auth.txt", "auth_on_publish = ok");

        assertThatThrownBy(() -> scripts.load(txt)).isInstanceOf(ScriptLoadException.class)
                .hasMessageContaining("auth.txt").hasMessageContaining("no script engine").hasMessageContaining("fake");
    }

    @Test
    void aMissingFileIsRefused() {
        assertThatThrownBy(() -> scripts.load(dir.resolve("gone.fake"))).isInstanceOf(ScriptLoadException.class)
                .hasMessageEndingWith("gone.fake: no such file");
    }

    @Test
    void aScriptShowsItsEngineHooksInHookOrderAndDetails() throws Exception {
        Path a = write("a.fake", "on_deliver = ok", "auth_on_register = ok");

        ScriptInfo info = scripts.load(a);

        assertThat(info).isEqualTo(new ScriptInfo(a, "fake", List.of("auth_on_register", "on_deliver"),
                Map.of("states", ScriptEnvironment.DEFAULT_STATES), now.get(), 0));
        assertThat(scripts.list()).containsExactly(info);
    }

    @Test
    void aScriptWithoutHooksLoadsAndHandlesNothing() throws Exception {
        Path a = write("a.fake", "# nothing yet");

        assertThat(scripts.load(a).hooks()).isEmpty();
        assertThat(call(Hooks.AUTH_ON_PUBLISH)).isEqualTo(ChainOutcome.unhandled());
    }

    // --- unloading

    @Test
    void unloadRemovesTheHandlersAndClosesTheScript() throws Exception {
        Path a = write("a.fake", "auth_on_publish = deny");
        scripts.load(a);
        call(Hooks.AUTH_ON_PUBLISH);

        scripts.unload(a);

        assertThat(registry.has(Hooks.AUTH_ON_PUBLISH)).isFalse();
        assertThat(call(Hooks.AUTH_ON_PUBLISH)).isEqualTo(ChainOutcome.unhandled());
        assertThat(scripts.list()).isEmpty();
        assertThat(scripts.stats(a)).isEmpty();
        assertThat(FakeEngine.openVersions(a)).isZero();
    }

    @Test
    void unloadingAnUnknownPathFails() {
        assertThatThrownBy(() -> scripts.unload(dir.resolve("never.fake")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never.fake is not loaded");
    }

    @Test
    void anUnloadedScriptCanBeLoadedAgainAndGoesLast() throws Exception {
        Path a = write("a.fake", "auth_on_publish = ok");
        Path b = write("b.fake", "auth_on_publish = ok");
        scripts.load(a);
        scripts.load(b);

        scripts.unload(a);
        scripts.load(a);

        assertThat(registry.handlers(Hooks.AUTH_ON_PUBLISH)).containsExactly(origin(b), origin(a));
    }

    @Test
    void closeUnloadsEveryScript() throws Exception {
        Path a = write("a.fake", "auth_on_publish = ok");
        Path b = write("b.fake", "on_deliver = ok");
        scripts.loadAll(dir, List.of());

        scripts.close();

        assertThat(scripts.list()).isEmpty();
        assertThat(registry.has(Hooks.AUTH_ON_PUBLISH) || registry.has(Hooks.ON_DELIVER)).isFalse();
        assertThat(FakeEngine.openVersions(a) + FakeEngine.openVersions(b)).isZero();
    }

    // --- reloading

    @Test
    void aScriptThatFailsToReloadKeepsServingItsOldVersion() throws Exception {
        Path a = write("a.fake", "auth_on_publish = deny");
        ScriptInfo before = scripts.load(a);
        write("a.fake", "auth_on_publish = ok", "fail-load unexpected symbol near 'end'");

        assertThatThrownBy(() -> scripts.reload(a)).isInstanceOf(ScriptLoadException.class)
                .hasMessageEndingWith("a.fake:2: unexpected symbol near 'end'");

        assertThat(call(Hooks.AUTH_ON_PUBLISH)).isInstanceOf(ChainOutcome.Denied.class);
        assertThat(scripts.find(a)).contains(before);
        assertThat(FakeEngine.openVersions(a)).isEqualTo(1);
    }

    @Test
    void aReloadReadsTheHooksAgain() throws Exception {
        Path a = write("a.fake", "auth_on_publish = deny");
        scripts.load(a);
        write("a.fake", "auth_on_subscribe = ok");

        ScriptInfo after = scripts.reload(a);

        assertThat(after.hooks()).containsExactly("auth_on_subscribe");
        assertThat(call(Hooks.AUTH_ON_PUBLISH)).isEqualTo(ChainOutcome.unhandled());
        assertThat(call(Hooks.AUTH_ON_SUBSCRIBE)).isEqualTo(new ChainOutcome.Allowed<>(Optional.empty(), origin(a)));
    }

    @Test
    void aReloadedScriptKeepsItsPlaceInTheOrder() throws Exception {
        Path a = write("a.fake", "auth_on_publish = ok");
        Path b = write("b.fake", "auth_on_publish = deny");
        scripts.loadAll(dir, List.of());

        scripts.reload(a);

        assertThat(registry.handlers(Hooks.AUTH_ON_PUBLISH)).containsExactly(origin(a), origin(b));
        assertThat(scripts.list()).extracting(ScriptInfo::path).containsExactly(a, b);
        assertThat(call(Hooks.AUTH_ON_PUBLISH)).isEqualTo(new ChainOutcome.Allowed<>(Optional.empty(), origin(a)));
    }

    @Test
    void aReloadCountsAndStampsTheNewVersionAndClosesTheOldOne() throws Exception {
        Path a = write("a.fake", "auth_on_publish = ok");
        scripts.load(a);
        now.set(Instant.parse("2026-01-02T00:00:00Z"));

        ScriptInfo after = scripts.reload(a);

        assertThat(after.reloads()).isEqualTo(1);
        assertThat(after.loadedAt()).isEqualTo(now.get());
        assertThat(FakeEngine.openVersions(a)).isEqualTo(1);
    }

    @Test
    void reloadingAnUnknownPathFails() {
        assertThatThrownBy(() -> scripts.reload(dir.resolve("never.fake"))).isInstanceOf(ScriptLoadException.class)
                .hasMessageContaining("never.fake").hasMessageContaining("not loaded");
    }

    @Test
    void statisticsSurviveAReload() throws Exception {
        Path a = write("a.fake", "auth_on_publish = ok");
        scripts.load(a);
        call(Hooks.AUTH_ON_PUBLISH);

        scripts.reload(a);
        call(Hooks.AUTH_ON_PUBLISH);

        assertThat(scripts.stats(a)).singleElement().satisfies(s -> assertThat(s.calls()).isEqualTo(2));
    }

    @Test
    void aCallRunningDuringAReloadFinishesOnTheOldVersionWhichClosesAfterIt() throws Exception {
        Path a = write("a.fake", "auth_on_publish = sleep 1000 then deny");
        scripts.load(a);
        var running = callAsync(Hooks.AUTH_ON_PUBLISH, lane);
        Thread.sleep(200); // let it enter the old version

        write("a.fake", "auth_on_publish = ok");
        scripts.reload(a);

        assertThat(FakeEngine.openVersions(a)).as("old version open while its call runs").isEqualTo(2);
        assertThat(running.get(30, TimeUnit.SECONDS)).isInstanceOf(ChainOutcome.Denied.class);
        assertThat(FakeEngine.openVersions(a)).isEqualTo(1);
    }

    @Test
    void aCallQueuedBeforeAReloadIsAnsweredByTheNewVersion() throws Exception {
        Path a = write("a.fake", "auth_on_publish = sleep 1000 then deny");
        scripts.load(a);
        var running = callAsync(Hooks.AUTH_ON_PUBLISH, lane);
        // Same lane: waits behind the first, with the handlers of the old version already chosen.
        var queued = callAsync(Hooks.AUTH_ON_PUBLISH, lane);
        Thread.sleep(200);

        write("a.fake", "auth_on_publish = ok");
        scripts.reload(a);

        assertThat(running.get(30, TimeUnit.SECONDS)).isInstanceOf(ChainOutcome.Denied.class);
        assertThat(queued.get(30, TimeUnit.SECONDS)).isEqualTo(new ChainOutcome.Allowed<>(Optional.empty(), origin(a)));
    }

    @Test
    void aCallQueuedBeforeAnUnloadSaysNext() throws Exception {
        Path a = write("a.fake", "auth_on_publish = sleep 1000 then deny");
        scripts.load(a);
        var running = callAsync(Hooks.AUTH_ON_PUBLISH, lane);
        var queued = callAsync(Hooks.AUTH_ON_PUBLISH, lane);
        Thread.sleep(200);

        scripts.unload(a);

        assertThat(running.get(30, TimeUnit.SECONDS)).isInstanceOf(ChainOutcome.Denied.class);
        assertThat(queued.get(30, TimeUnit.SECONDS)).isEqualTo(ChainOutcome.exhausted());
        assertThat(FakeEngine.openVersions(a)).isZero();
    }

    @Test
    void callsDuringManyReloadsAreAlwaysAnsweredByOneWholeVersion() throws Exception {
        Path a = write("a.fake", "auth_on_publish = deny");
        scripts.load(a);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger allowed = new AtomicInteger();
        AtomicInteger denied = new AtomicInteger();
        ConcurrentLinkedQueue<ChainOutcome<?>> unexpected = new ConcurrentLinkedQueue<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            ClientLane own = dispatcher.newLane("client-" + t);
            callers.add(Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    var outcome = callAsync(Hooks.AUTH_ON_PUBLISH, own).join();
                    switch (outcome) {
                        case ChainOutcome.Allowed<?> ok -> allowed.incrementAndGet();
                        case ChainOutcome.Denied<?> no when no.cause() == ChainOutcome.Cause.VERDICT -> denied.incrementAndGet();
                        default -> unexpected.add(outcome);
                    }
                }
            }));
        }

        for (int i = 0; i < 50; i++) {
            // The deny version sleeps so that calls are in flight across the swaps.
            write("a.fake", i % 2 == 0 ? "auth_on_publish = ok" : "auth_on_publish = sleep 1 then deny");
            scripts.reload(a);
            Thread.sleep(2);
        }
        stop.set(true);
        for (Thread caller : callers) {
            caller.join(TimeUnit.SECONDS.toMillis(30));
        }

        assertThat(unexpected).isEmpty();
        assertThat(allowed.get()).isPositive();
        assertThat(denied.get()).isPositive();
        assertThat(FakeEngine.openVersions(a)).isEqualTo(1);
    }

    /** A clock that shows what the test set. */
    private static final class SettableClock extends Clock {
        private final AtomicReference<Instant> now;

        SettableClock(AtomicReference<Instant> now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private Path write(String name, String... lines) throws Exception {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, String.join("\n", lines));
    }

    private static HandlerOrigin origin(Path script) {
        return HandlerOrigin.script(script.toString());
    }

    private <C extends HookContext, M extends Modifiers> ChainOutcome<M> call(ChainHook<C, M> hook) {
        return dispatcher.chain(lane, hook, FakeContexts.sample(hook, lane.label())).toCompletableFuture()
                .orTimeout(30, TimeUnit.SECONDS).join();
    }

    private <C extends HookContext, M extends Modifiers> CompletableFuture<ChainOutcome<M>> callAsync(
            ChainHook<C, M> hook, ClientLane on) {
        return dispatcher.chain(on, hook, FakeContexts.sample(hook, on.label())).toCompletableFuture()
                .orTimeout(30, TimeUnit.SECONDS);
    }
}
