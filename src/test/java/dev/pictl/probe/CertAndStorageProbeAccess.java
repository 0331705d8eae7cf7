package dev.pictl.probe;

/** The test certificate of {@link CertAndStorageProbeTest}, for tests in other packages. */
public final class CertAndStorageProbeAccess {
    /** A leaf that expires 2027-12-07 21:44:56 UTC, then its CA. */
    public static final String LEAF = CertAndStorageProbeTest.LEAF_AND_CA;

    private CertAndStorageProbeAccess() {
    }
}
