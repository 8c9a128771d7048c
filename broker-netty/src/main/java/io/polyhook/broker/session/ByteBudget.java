package io.polyhook.broker.session;

/**
 * A broker-wide budget of bytes that many connections draw on at once: what every queue holds
 * together ({@code broker.max_total_queued_bytes}), or what unfinished packets hold
 * ({@code broker.max_total_partial_bytes}). A holder takes bytes before it keeps something and
 * gives them back when it lets go. Lock-free; used only off the common path (a message that has
 * to wait, a packet split across reads).
 */
public final class ByteBudget {

    private final long max;
    private final java.util.concurrent.atomic.AtomicLong used = new java.util.concurrent.atomic.AtomicLong();

    /** A budget of {@code max} bytes. */
    public ByteBudget(long max) {
        this.max = max;
    }

    /** A budget nothing exhausts. */
    public static ByteBudget unbounded() {
        return new ByteBudget(Long.MAX_VALUE);
    }

    /** Takes {@code n} bytes if they fit; returns whether they did. */
    public boolean tryTake(long n) {
        long now = used.addAndGet(n);
        if (now > max) {
            used.addAndGet(-n);
            return false;
        }
        return true;
    }

    /** Takes {@code n} bytes whether or not they fit (something kept once beyond the bounds). */
    public void take(long n) {
        used.addAndGet(n);
    }

    /** Gives back {@code n} bytes taken earlier. */
    public void giveBack(long n) {
        used.addAndGet(-n);
    }

    /** The bytes taken now. */
    public long used() {
        return used.get();
    }

    /** The budget. */
    public long max() {
        return max;
    }
}
