package dev.pictl.types.backup;

import dev.pictl.types.k3s.K3sToken;

/**
 * Whether a snapshot belongs to this cluster, by its token (day2-facts §2.3-2.4): the token encrypts the bootstrap
 * data in the datastore, so a snapshot restored under another token is unusable ("bootstrap data already found and
 * encrypted with different token"). Tokens are compared, never shown.
 *
 * <p>The cluster's token is the description's {@code k3s_server} {@code token} when it sets one, else the server's
 * own {@code server/token} when the node still has it; with neither (a new board, no token declared) there is
 * nothing to compare and the snapshot's token is the one restored.
 */
public final class TokenMatch {
    private TokenMatch() {
    }

    public enum Verdict { SAME, OTHER_PASSWORD, OTHER_CA, NOTHING_TO_COMPARE, NO_TOKEN_IN_SNAPSHOT }

    /**
     * @param snapshot the snapshot's {@code server/token} (full form {@code K10<ca>::server:<password>}), or null
     * @param declared the description's token (full form or bare password), or null
     * @param onNode   the server's {@code server/token} now, or null when it does not exist
     */
    public static Verdict compare(String snapshot, String declared, String onNode) {
        if (snapshot == null || snapshot.isBlank()) {
            return Verdict.NO_TOKEN_IN_SNAPSHOT;
        }
        String reference = declared != null && !declared.isBlank() ? declared : onNode;
        if (reference == null || reference.isBlank()) {
            return Verdict.NOTHING_TO_COMPARE;
        }
        if (!K3sToken.password(snapshot.trim()).equals(K3sToken.password(reference.trim()))) {
            return Verdict.OTHER_PASSWORD;
        }
        String a = ca(snapshot.trim());
        String b = ca(reference.trim());
        if (a != null && b != null && !a.equals(b)) {
            return Verdict.OTHER_CA;
        }
        // A declared bare password says nothing of the CA: the node's full token still does, when it is there.
        if (onNode != null && !onNode.isBlank() && a != null && ca(onNode.trim()) != null && !a.equals(ca(onNode.trim()))) {
            return Verdict.OTHER_CA;
        }
        return Verdict.SAME;
    }

    /** The CA hash of a full token, or null for a bare password. */
    static String ca(String token) {
        int i = token.indexOf("::");
        return token.startsWith("K10") && i > 3 ? token.substring(3, i) : null;
    }

    /** Why a verdict refuses the snapshot (null when it does not). */
    public static String refusal(Verdict v, boolean declared) {
        String against = declared ? "the token the description gives the k3s_server" : "the server's own token "
                + "(/var/lib/rancher/k3s/server/token)";
        return switch (v) {
            case OTHER_PASSWORD -> "the snapshot's token is not the cluster's: it does not match " + against
                    + ". It was taken from another cluster, or before the token changed; k3s could not decrypt its "
                    + "bootstrap data";
            case OTHER_CA -> "the snapshot's token names another cluster CA than " + against + ": it was taken from "
                    + "another cluster";
            case NO_TOKEN_IN_SNAPSHOT -> "the snapshot holds no server/token, without which k3s cannot use it";
            default -> null;
        };
    }
}
