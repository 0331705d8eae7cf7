package dev.pictl.state;

import dev.pictl.addr.ResourceAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One snapshot of the state file (format {@value #FORMAT_VERSION}). Immutable and thread-safe; the
 * {@code with*} methods return changed copies that keep {@link #serial()} and {@link #lineage()}.
 *
 * <p>{@code serial} and {@code lineage} say which on-disk version this snapshot was read from (or written as):
 * {@link StateLock#write} refuses to replace a file whose serial or lineage no longer match them, and the
 * state it returns carries the new serial for the next write. Only the store sets them.
 *
 * @param serial       the write counter of the file this came from; 0 when there is no file yet
 * @param lineage      the UUID fixed when the state was first written; null when there is no file yet
 * @param pictlVersion the version of pictl that wrote it; null when there is no file yet
 * @param resources    one entry per resource instance, sorted by address, addresses distinct
 * @param unmanaged    addresses {@code pictl state rm} took out of management, sorted, none with an entry: plan
 *                     shows them as "not managed" and apply leaves them alone until {@code pictl import} records
 *                     them (issue 19); empty in a state that never had one, and then not written at all
 */
public record State(long serial, String lineage, String pictlVersion, List<ResourceState> resources,
                    List<ResourceAddress> unmanaged) {
    /** The format this pictl reads and writes. */
    public static final int FORMAT_VERSION = 1;

    private static final Comparator<ResourceState> BY_ADDRESS = Comparator.comparing(ResourceState::address);

    public State {
        if (serial < 0) {
            throw new IllegalArgumentException("serial must not be negative: " + serial);
        }
        List<ResourceState> sorted = new ArrayList<>(Objects.requireNonNull(resources, "resources"));
        sorted.sort(BY_ADDRESS);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i - 1).address().equals(sorted.get(i).address())) {
                throw new IllegalArgumentException("two entries for " + sorted.get(i).address());
            }
        }
        resources = List.copyOf(sorted);
        java.util.TreeSet<ResourceAddress> forgotten = new java.util.TreeSet<>(Objects.requireNonNull(unmanaged,
                "unmanaged"));
        sorted.forEach(r -> forgotten.remove(r.address())); // an entry means managed
        unmanaged = List.copyOf(forgotten);
    }

    /** A state with no address taken out of management. */
    public State(long serial, String lineage, String pictlVersion, List<ResourceState> resources) {
        this(serial, lineage, pictlVersion, resources, List.of());
    }

    /** The state before anything was ever written: no lineage, serial 0, no resources. */
    public static State empty() {
        return new State(0, null, null, List.of());
    }

    /** Whether this snapshot came from a file (a first write has happened). */
    public boolean exists() {
        return lineage != null;
    }

    public Optional<ResourceState> resource(ResourceAddress address) {
        int i = indexOf(address);
        return i >= 0 ? Optional.of(resources.get(i)) : Optional.empty();
    }

    public List<ResourceAddress> addresses() {
        return resources.stream().map(ResourceState::address).toList();
    }

    /** This state with {@code r} added, or replacing the entry with the same address. */
    public State withResource(ResourceState r) {
        List<ResourceState> list = new ArrayList<>(resources);
        int i = indexOf(r.address());
        if (i >= 0) {
            list.set(i, r);
        } else {
            list.add(-i - 1, r);
        }
        return new State(serial, lineage, pictlVersion, list, unmanaged);
    }

    /** This state without the entry at {@code address} (unchanged when there is none). */
    public State withoutResource(ResourceAddress address) {
        int i = indexOf(address);
        if (i < 0) {
            return this;
        }
        List<ResourceState> list = new ArrayList<>(resources);
        list.remove(i);
        return new State(serial, lineage, pictlVersion, list, unmanaged);
    }

    public State withoutResources(Collection<ResourceAddress> addresses) {
        List<ResourceState> list = resources.stream().filter(r -> !addresses.contains(r.address())).toList();
        return new State(serial, lineage, pictlVersion, list, unmanaged);
    }

    /** Whether {@code pictl state rm} took this address out of management (and nothing recorded it since). */
    public boolean isUnmanaged(ResourceAddress address) {
        return unmanaged.contains(address);
    }

    /**
     * This state without the entries at {@code addresses}, each of them remembered as unmanaged ({@code state rm}):
     * the next plan shows them as "not managed" instead of adopting them again.
     */
    public State forgetting(Collection<ResourceAddress> addresses) {
        List<ResourceAddress> forgotten = new ArrayList<>(unmanaged);
        forgotten.addAll(addresses);
        return new State(serial, lineage, pictlVersion, withoutResources(addresses).resources, forgotten);
    }

    /** This state with {@code addresses} no longer marked unmanaged (what {@code pictl import} plans from). */
    public State managing(Collection<ResourceAddress> addresses) {
        List<ResourceAddress> forgotten = unmanaged.stream().filter(a -> !addresses.contains(a)).toList();
        return new State(serial, lineage, pictlVersion, resources, forgotten);
    }

    /** Same resources (serial, lineage and writer version aside): writing one over the other changes nothing. */
    public boolean sameContent(State other) {
        return resources.equals(other.resources) && unmanaged.equals(other.unmanaged);
    }

    /** Only the store makes snapshots with a new serial, lineage and writer. */
    State asWritten(long newSerial, String newLineage, String writer) {
        return new State(newSerial, newLineage, writer, resources, unmanaged);
    }

    private int indexOf(ResourceAddress address) {
        int lo = 0;
        int hi = resources.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = resources.get(mid).address().compareTo(address);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }
}
