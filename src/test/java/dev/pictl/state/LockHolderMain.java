package dev.pictl.state;

import java.nio.file.Path;

/**
 * A second process for {@link StateLockTest}: takes the lock on the state given as the first argument for the
 * command given as the second, says {@code LOCKED} on stdout, and sleeps until it is killed.
 */
public final class LockHolderMain {
    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        StateLock lock = StateStore.at(Path.of(args[0]), "0.0.0-child").lock(args[1]);
        System.out.println("LOCKED " + lock.holder().pid());
        System.out.flush();
        Thread.sleep(120_000); // the test kills it long before; the cap only bounds an orphan
        lock.close();
    }
}
