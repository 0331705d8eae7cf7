package dev.pictl.apply;

import java.time.Duration;

/**
 * How an apply runs.
 *
 * @param parallelism       resources worked on at once
 * @param maxUnavailable    nodes already Ready in the cluster that may be down at once for reboots and upgrades
 * @param rebootTimeout     how long to wait for a rebooted node to come back with a new boot_id (generous)
 * @param k3sStartTimeout   how long to poll a started k3s unit before reporting its journal
 * @param commandTimeout    the node-side time limit of ordinary commands (installs included)
 * @param allowDataLoss     allow deleting or replacing a Bound PV or one whose directory holds data
 * @param lockTimeout       how long to wait for another run's state lock before giving up (Terraform's
 *                          {@code -lock-timeout}); zero: fail at once
 */
public record ApplyOptions(int parallelism, int maxUnavailable, Duration rebootTimeout, Duration k3sStartTimeout,
                           Duration commandTimeout, boolean allowDataLoss, Duration lockTimeout) {
    public ApplyOptions {
        lockTimeout = lockTimeout == null ? Duration.ZERO : lockTimeout;
    }

    public ApplyOptions(int parallelism, int maxUnavailable, Duration rebootTimeout, Duration k3sStartTimeout,
                        Duration commandTimeout, boolean allowDataLoss) {
        this(parallelism, maxUnavailable, rebootTimeout, k3sStartTimeout, commandTimeout, allowDataLoss, Duration.ZERO);
    }

    public static ApplyOptions defaults() {
        return new ApplyOptions(4, 1, Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofMinutes(10), false);
    }

    public ApplyOptions withLockTimeout(Duration d) {
        return new ApplyOptions(parallelism, maxUnavailable, rebootTimeout, k3sStartTimeout, commandTimeout,
                allowDataLoss, d);
    }

    public ApplyOptions withRebootTimeout(Duration d) {
        return new ApplyOptions(parallelism, maxUnavailable, d, k3sStartTimeout, commandTimeout, allowDataLoss, lockTimeout);
    }

    public ApplyOptions withK3sStartTimeout(Duration d) {
        return new ApplyOptions(parallelism, maxUnavailable, rebootTimeout, d, commandTimeout, allowDataLoss,
                lockTimeout);
    }

    public ApplyOptions withParallelism(int p) {
        return new ApplyOptions(p, maxUnavailable, rebootTimeout, k3sStartTimeout, commandTimeout, allowDataLoss,
                lockTimeout);
    }

    public ApplyOptions withMaxUnavailable(int n) {
        return new ApplyOptions(parallelism, n, rebootTimeout, k3sStartTimeout, commandTimeout, allowDataLoss,
                lockTimeout);
    }

    public ApplyOptions withAllowDataLoss(boolean b) {
        return new ApplyOptions(parallelism, maxUnavailable, rebootTimeout, k3sStartTimeout, commandTimeout, b,
                lockTimeout);
    }
}
