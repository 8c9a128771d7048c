package io.polyhook.broker.cli;

/** A process with the broker's fatal-error policy whose one other thread dies of an Error. */
public final class FatalErrorProbe {

    private FatalErrorProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        PolyhookCommand.installFatalErrorPolicy();
        Thread t = new Thread(() -> {
            throw new OutOfMemoryError("Java heap space (probe)");
        }, "probe-thread");
        t.start();
        // A half-dead process would wait here for ever; the test gives it two minutes.
        Thread.sleep(Long.MAX_VALUE);
    }
}
