package dev.pictl.state;

import java.nio.charset.StandardCharsets;

/**
 * The state's canonical bytes, for stores other than the local file ({@code state.pg}): the same encoding, the
 * same strict reading, the same upgrade path as {@code pictl.state.json}.
 */
public final class StateBytes {
    private StateBytes() {
    }

    /** The canonical text of {@code state} (docs/state.md, "Format 1"). */
    public static String encode(State state) {
        return StateCodec.encode(state);
    }

    /**
     * Decodes a stored state, refusing a newer format or an invalid text with a message naming {@code name}.
     *
     * @param where where it came from, for the detail ({@code File: ...} or a database and key)
     */
    public static State decode(byte[] bytes, String name, String where) throws StateException {
        try {
            return StateCodec.decode(bytes);
        } catch (StateCodec.TooNew e) {
            throw new StateException(name + " was written by a newer pictl (format " + e.version + "); this pictl reads"
                    + " format " + State.FORMAT_VERSION + ". Upgrade pictl.",
                    "Older pictl versions cannot read a state a newer one has written; nothing was read or changed.\n"
                            + where);
        } catch (StateCodec.Invalid e) {
            throw new StateException(name + " is not a valid pictl state", e.getMessage() + ".\nNothing was read or"
                    + " changed.\n" + where);
        }
    }

    /** {@link #decode(byte[], String, String)} of a text. */
    public static State decode(String text, String name, String where) throws StateException {
        return decode(text.getBytes(StandardCharsets.UTF_8), name, where);
    }

    /**
     * Writes a file the way the state file is written: a temporary file in the same directory, fsynced, renamed
     * over the target; mode 0600.
     */
    public static void writeFile(java.nio.file.Path target, byte[] content) throws java.io.IOException {
        AtomicFiles.replace(target, content, true, AtomicFiles.PLAIN);
    }

    /** A one-line reason for an I/O failure, for messages. */
    public static String reason(java.io.IOException e) {
        return AtomicFiles.reason(e);
    }

    /** {@code next} as written: with this serial and lineage, recorded as written by {@code pictlVersion}. */
    public static State written(State next, long serial, String lineage, String pictlVersion) {
        return next.asWritten(serial, lineage, pictlVersion);
    }
}
