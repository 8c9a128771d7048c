/**
 * The Polyhook hook SPI: what a Java plugin author codes against.
 *
 * <p>A broker calls <em>hook points</em> ({@link io.polyhook.spi.Hooks}) at fixed moments of a
 * client's life: when it connects ({@code auth_on_register}), publishes ({@code auth_on_publish}),
 * subscribes, receives a message, goes away. Each hook point hands its handlers an immutable
 * <em>context</em> ({@link io.polyhook.spi.RegisterContext}, {@link io.polyhook.spi.PublishContext},
 * ...). Handlers of a {@link io.polyhook.spi.ChainHook} answer with a
 * {@link io.polyhook.spi.Verdict}: {@code ok} (optionally with typed
 * {@link io.polyhook.spi.Modifiers} that rewrite the request), {@code deny} (optionally with an
 * MQTT 5 {@link io.polyhook.spi.ReasonCode} and reason string) or {@code next} (no opinion: ask
 * the next handler). Handlers of a {@link io.polyhook.spi.NotificationHook} are only told.
 *
 * <p>A plugin implements {@link io.polyhook.spi.Plugin}, is listed in
 * {@code META-INF/services/io.polyhook.spi.Plugin}, and registers its handlers in
 * {@link io.polyhook.spi.Plugin#start(PluginContext)}:
 *
 * <pre>{@code
 * public final class OnlyAlice implements Plugin {
 *   public void start(PluginContext context) {
 *     context.hooks().register(Hooks.AUTH_ON_REGISTER, reg ->
 *         reg.username().filter("alice"::equals).isPresent() ? Verdict.ok() : Verdict.next());
 *     context.hooks().register(Hooks.AUTH_ON_PUBLISH, pub ->
 *         pub.topic().startsWith("$") ? Verdict.deny(ReasonCode.NOT_AUTHORIZED, "no $ topics")
 *                                     : Verdict.next());
 *   }
 * }
 * }</pre>
 *
 * <p>Hook names, argument fields and verdict rules follow VerneMQ's {@code vmq_diversity}, so the
 * same hooks are available to Lua and JavaScript scripts with the same meaning. This package
 * depends on nothing but the JDK, and every type in it is immutable and thread-safe unless its
 * documentation says otherwise.
 *
 * @since 0.1
 */
package io.polyhook.spi;
