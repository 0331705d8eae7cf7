package dev.pictl.apply;

import java.util.TreeSet;

/**
 * A counting semaphore served in the order the walker queued its changes, not in the order their threads happen to
 * ask: with {@code maxUnavailable} 1, the nodes roll in the plan's order (pi-worker-1 before pi-worker-2) however the
 * pool's threads are scheduled. The walker takes a {@link #ticket()} on its own thread when it submits a change; the
 * change's thread then {@link #acquire}s with it.
 */
final class Turns {
    private final TreeSet<Long> queued = new TreeSet<>();
    private long next;
    private int permits;

    Turns(int permits) {
        this.permits = permits;
    }

    /** A place in the queue (the walker's thread, at submit). */
    synchronized Turn ticket() {
        long t = next++;
        queued.add(t);
        return new Turn(t);
    }

    /** One change's place: {@link #acquire()} on its thread, {@link #done()} when it finishes, whatever happened. */
    final class Turn {
        private final long ticket;
        private boolean held;

        private Turn(long ticket) {
            this.ticket = ticket;
        }

        void acquire() throws InterruptedException {
            Turns.this.acquire(ticket);
            held = true;
        }

        /** Frees the permit when it was taken, else gives the place in the queue up. */
        void done() {
            if (held) {
                held = false;
                release();
            } else {
                cancel(ticket);
            }
        }
    }

    /** Waits until {@code ticket} is the first queued and a permit is free, then takes it. */
    private synchronized void acquire(long ticket) throws InterruptedException {
        try {
            while (permits == 0 || queued.first() != ticket) {
                wait();
            }
            permits--;
        } finally {
            queued.remove(ticket); // taken, or given up (interrupted): the next in line is served
            notifyAll();
        }
    }

    /** Gives a ticket's place up without taking a permit (the change never came to ask). */
    private synchronized void cancel(long ticket) {
        if (queued.remove(ticket)) {
            notifyAll();
        }
    }

    private synchronized void release() {
        permits++;
        notifyAll();
    }
}
