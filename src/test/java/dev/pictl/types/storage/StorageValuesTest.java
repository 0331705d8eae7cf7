package dev.pictl.types.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.testing.TestContexts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link StorageValues}: the one definition of a StorageClass's and a PV's values (fast tier). Each record reads
 * back from its canonical map, the map's keys come in the documented order with absent values left out, and the
 * kinds' {@code desired()} is exactly a record's canonical map.
 */
@Tag("fast")
class StorageValuesTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> classes() {
        List<String> all = List.of("provisioner", "volume_binding_mode", "reclaim_policy", "allow_volume_expansion",
                "parameters", "default");
        return Stream.of(
                Arguments.of(new StorageValues.StorageClass("rancher.io/local-path", "WaitForFirstConsumer", "Retain",
                        true, Map.of("nodePath", "/srv", "fsType", "ext4"), true), all),
                Arguments.of(new StorageValues.StorageClass("p", "Immediate", "Delete", false, Map.of(), false), all),
                Arguments.of(new StorageValues.StorageClass("p", null, null, false, null, false),
                        List.of("provisioner", "allow_volume_expansion", "default")),
                Arguments.of(new StorageValues.StorageClass(null, null, null, true, null, true),
                        List.of("allow_volume_expansion", "default")));
    }

    @ParameterizedTest
    @MethodSource("classes")
    void storageClass_readsBackFromItsCanonicalMap(StorageValues.StorageClass sc, List<String> keys) {
        Map<String, Object> canonical = sc.canonical();
        assertEquals(keys, new ArrayList<>(canonical.keySet()));
        assertEquals(sc, StorageValues.StorageClass.of(canonical));
        assertEquals(canonical, StorageValues.StorageClass.of(canonical).canonical());
        if (sc.parameters() != null) {
            assertEquals(new ArrayList<>(new java.util.TreeMap<>(sc.parameters()).keySet()),
                    new ArrayList<>(((Map<?, ?>) canonical.get("parameters")).keySet()), "parameters sorted");
        }
    }

    static Stream<Arguments> volumes() {
        List<String> desired = List.of("capacity", "access_modes", "reclaim_policy", "storage_class", "path", "node",
                "directory");
        return Stream.of(
                Arguments.of(new StorageValues.Pv("10Gi", List.of("ReadWriteOnce", "ReadOnlyMany"), "Retain",
                        "local-storage", "/mnt/data", "pi-worker-1", "present", null), desired),
                Arguments.of(new StorageValues.Pv("1Ti", List.of("ReadWriteMany"), "Delete", "local-storage",
                        "/mnt/usb disk/data", "pi-server-1", "missing", "Bound"),
                        List.of("capacity", "access_modes", "reclaim_policy", "storage_class", "path", "node",
                                "directory", "phase")),
                // as observed without a class, a policy or an affinity
                Arguments.of(new StorageValues.Pv("1Gi", List.of(), null, null, "/d", null, "unknown", "Unknown"),
                        List.of("capacity", "access_modes", "path", "directory", "phase")));
    }

    @ParameterizedTest
    @MethodSource("volumes")
    void pv_readsBackFromItsCanonicalMap(StorageValues.Pv pv, List<String> keys) {
        Map<String, Object> canonical = pv.canonical();
        assertEquals(keys, new ArrayList<>(canonical.keySet()));
        assertEquals(pv, StorageValues.Pv.of(canonical));
        assertEquals(canonical, StorageValues.Pv.of(canonical).canonical());
    }

    @Test
    void of_toleratesMissingKeysAndAPlanFileSValues() {
        StorageValues.Pv pv = StorageValues.Pv.of(null);
        assertNull(pv.accessModes());
        assertEquals(List.of(), pv.accessModesOrEmpty());
        StorageValues.StorageClass sc = StorageValues.StorageClass.of(Map.of("parameters", Map.of("replicas", 3L)));
        assertEquals(Map.of("replicas", "3"), sc.parameters(), "parameters are text, as Kubernetes holds them");
        assertFalse(sc.isDefault());
        assertEquals(Map.of(), StorageValues.StorageClass.of(Map.of()).parametersOrEmpty());
    }

    static Stream<Arguments> describedClasses() {
        return Stream.of(
                Arguments.of("provisioner = \"kubernetes.io/no-provisioner\"\n"),
                Arguments.of("provisioner = \"rancher.io/local-path\"\nvolume_binding_mode = \"WaitForFirstConsumer\"\n"
                        + "reclaim_policy = \"Retain\"\nallow_volume_expansion = true\n"
                        + "parameters = { nodePath = \"/srv\", replicas = 3 }\ndefault = true\n"),
                Arguments.of("provisioner = \"p\"\nparameters = {}\ndefault = false\n"));
    }

    @ParameterizedTest
    @MethodSource("describedClasses")
    void storageClassDesired_isTheRecordsCanonicalMap(String body) {
        Config c = StorageFixtures.config(tmp, "storage_class \"local-storage\" {\n" + body + "}\n");
        Map<String, Object> d = new StorageClassKind().desired(
                c.instance(ResourceAddress.of(StorageClassType.NAME, "local-storage")).orElseThrow(),
                TestContexts.plan(c));
        assertEquals(List.copyOf(d.entrySet()), List.copyOf(StorageValues.StorageClass.of(d).canonical().entrySet()));
    }

    static Stream<Arguments> describedVolumes() {
        return Stream.of(
                Arguments.of(StorageFixtures.PV),
                Arguments.of("pv \"data\" {\n capacity = \"512Mi\"\n access_modes = [\"ReadWriteOncePod\"]\n"
                        + " storage_class = storage_class.local-storage\n path = \"/srv/v/\"\n"
                        + " node = node.pi-server-1\n}\n"),
                Arguments.of("pv \"data\" {\n capacity = \"1Ti\"\n access_modes = [\"ReadWriteMany\", \"ReadOnlyMany\"]\n"
                        + " reclaim_policy = \"Delete\"\n storage_class = storage_class.local-storage\n"
                        + " path = \"/mnt/usb disk\"\n node = node.pi-worker-1\n}\n"));
    }

    @ParameterizedTest
    @MethodSource("describedVolumes")
    void pvDesired_isTheRecordsCanonicalMap(String block) {
        Config c = StorageFixtures.config(tmp, StorageFixtures.SC + block);
        Map<String, Object> d = new PvKind().desired(c.instance(ResourceAddress.of(PvType.NAME, "data")).orElseThrow(),
                TestContexts.plan(c));
        assertEquals(List.copyOf(d.entrySet()), List.copyOf(StorageValues.Pv.of(d).canonical().entrySet()));
        assertEquals("present", StorageValues.Pv.of(d).directory());
    }
}
