package io.polyhook.core.hook.internal;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.ModifierRules;
import io.polyhook.core.hook.TimeoutFallback;
import io.polyhook.spi.ChainHandler;
import io.polyhook.spi.ChainHook;
import io.polyhook.spi.Hook;
import io.polyhook.spi.HookContext;
import io.polyhook.spi.InvalidModifierException;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.NotificationHandler;
import io.polyhook.spi.Verdict;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One dispatch of a hook point to its handlers, as a lane runs it. */
abstract sealed class HookCall permits HookCall.Chain, HookCall.Notification {

    final HookDispatcher dispatcher;
    final Hook<?> hook;
    final HandlerEntry[] handlers;
    final String client;

    HookCall(HookDispatcher dispatcher, Hook<?> hook, HandlerEntry[] handlers, String client) {
        this.dispatcher = dispatcher;
        this.hook = hook;
        this.handlers = handlers;
        this.client = client;
    }

    /** Calls one handler. */
    abstract Object invoke(HandlerEntry entry) throws Exception;

    /** Takes one handler's answer; true when the call is decided and the lane moves on. */
    abstract boolean onResult(HandlerEntry entry, Object result, Throwable failure);

    /** Every handler said next. */
    abstract void onExhausted();

    /** The handler at {@code index} missed its deadline; returns where to continue, or -1 when decided. */
    abstract int onTimeout(int index);

    /**
     * A chain call: handlers in order until a verdict. For an authorization hook, a handler
     * that fails or times out under the next fallback lets the later handlers decide, but is
     * remembered: if none of them allows, the call is denied instead of exhausted.
     */
    static final class Chain<C extends HookContext, M extends Modifiers> extends HookCall {
        private final ChainHook<C, M> chainHook;
        private final C context;
        final CompletableFuture<ChainOutcome<M>> result = new CompletableFuture<>();
        // The first failure of an authorization handler, and whose counter it goes to if it
        // decides the call. Written and read by the lane's thread of the moment only (a thread
        // that takes over after a timeout is started after the write).
        private ChainOutcome.Denied<M> failure;
        private HandlerStats failureStats;

        Chain(HookDispatcher dispatcher, ChainHook<C, M> hook, HandlerEntry[] handlers, String client, C context) {
            super(dispatcher, hook, handlers, client);
            this.chainHook = hook;
            this.context = context;
        }

        /** A failure before the handlers ran (the shortcut's); it decides unless a handler allows. */
        void failedBefore(ChainOutcome.Denied<M> denied, HandlerStats stats) {
            failure = denied;
            failureStats = stats;
        }

        @Override
        @SuppressWarnings("unchecked")
        Object invoke(HandlerEntry entry) throws Exception {
            return ((ChainHandler<C, M>) entry.handler).handle(context);
        }

        @Override
        @SuppressWarnings("unchecked")
        boolean onResult(HandlerEntry entry, Object answer, Throwable failed) {
            if (failed == null && answer instanceof Verdict.Ok<?> ok && ok.modifiers().isPresent()) {
                try {
                    ModifierRules.check(chainHook, (M) ok.modifiers().get());
                } catch (Throwable invalid) {
                    failed = invalid;
                }
            }
            if (failed != null) {
                entry.stats.recordError();
                boolean invalid = failed instanceof InvalidModifierException;
                dispatcher.logFailure(this, entry, failed, invalid);
                if (chainHook.kind() == ChainHook.Kind.REWRITE) {
                    result.complete(new ChainOutcome.Failed<>(entry.origin, HookDispatcher.describe(failed)));
                    return true;
                }
                if (invalid) {
                    result.complete(new ChainOutcome.Denied<>(Optional.empty(), Optional.empty(), entry.origin,
                            ChainOutcome.Cause.INVALID_MODIFIERS));
                    return true;
                }
                remember(entry, ChainOutcome.Cause.HANDLER_FAILED);
                return false;
            }
            if (answer instanceof Verdict.Ok<?> ok) {
                result.complete(new ChainOutcome.Allowed<>((Optional<M>) ok.modifiers(), entry.origin));
                return true;
            }
            if (answer instanceof Verdict.Deny<?> deny) {
                result.complete(new ChainOutcome.Denied<>(deny.reasonCode(), deny.reasonString(), entry.origin,
                        ChainOutcome.Cause.VERDICT));
                return true;
            }
            return false;
        }

        private void remember(HandlerEntry entry, ChainOutcome.Cause cause) {
            if (failure == null) {
                failure = new ChainOutcome.Denied<>(Optional.empty(), Optional.empty(), entry.origin, cause);
                failureStats = entry.stats;
            }
        }

        @Override
        void onExhausted() {
            if (failure != null) {
                failureStats.recordFailedClosed();
                dispatcher.logFailedClosed(this, failure);
                result.complete(failure);
            } else {
                result.complete(ChainOutcome.exhausted());
            }
        }

        @Override
        int onTimeout(int index) {
            if (dispatcher.settings().fallback(hook) == TimeoutFallback.NEXT) {
                if (chainHook.kind() == ChainHook.Kind.AUTHORIZATION) {
                    remember(handlers[index], ChainOutcome.Cause.HANDLER_TIMED_OUT);
                }
                return index + 1;
            }
            result.complete(new ChainOutcome.Denied<>(Optional.empty(), Optional.empty(), handlers[index].origin,
                    ChainOutcome.Cause.TIMEOUT));
            return -1;
        }
    }

    /** A notification: every handler, answers ignored. */
    static final class Notification<C extends HookContext> extends HookCall {
        private final C context;

        Notification(HookDispatcher dispatcher, Hook<C> hook, HandlerEntry[] handlers, String client, C context) {
            super(dispatcher, hook, handlers, client);
            this.context = context;
        }

        @Override
        @SuppressWarnings("unchecked")
        Object invoke(HandlerEntry entry) throws Exception {
            ((NotificationHandler<C>) entry.handler).handle(context);
            return null;
        }

        @Override
        boolean onResult(HandlerEntry entry, Object answer, Throwable failure) {
            if (failure != null) {
                entry.stats.recordError();
                dispatcher.logFailure(this, entry, failure, false);
            }
            return false;
        }

        @Override
        void onExhausted() {
        }

        @Override
        int onTimeout(int index) {
            return index + 1;
        }
    }
}
