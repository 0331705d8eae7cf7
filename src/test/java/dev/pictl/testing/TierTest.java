package dev.pictl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The test tiers (docs/architecture.md, "Tests"), checked on the test sources:
 *
 * <ul>
 *   <li>a class tagged {@code fast} names nothing that starts a simulator, an SSH server or a child JVM;</li>
 *   <li>a class that names none of those is tagged {@code fast} (so the quick command runs it), unless it is
 *       tagged {@code slow} on purpose (in-process but long, e.g. thousands of CLI runs).</li>
 * </ul>
 *
 * What counts as "starts": the simulator and its fixtures, the test SSH server, the SSH transport, a child
 * {@code java}, and the CLI's {@code --sim}. A new fixture that starts one of them belongs in {@link #SLOW}.
 */
@Tag("fast")
class TierTest {
    private static final Path TESTS = Path.of("src/test/java");

    /** What a fast test must not name: each starts a simulator, an SSH server or a JVM. */
    static final List<String> SLOW = List.of(
            // the simulator and the fixtures that start one
            "SimCluster", "SimControl", "SimDaemon", "SimTestSupport", "SeedFleet", "E2e.", "HostFixture", "SimApply",
            "PlanFixture", "--sim",
            // SSH servers and real SSH connections
            "TestServer", "SshServer", "SshTransport",
            // child JVMs
            "ChildPictl", "LockHolderMain", "java.home");

    private static final Pattern FAST = Pattern.compile("^@Tag\\(\"fast\"\\)", Pattern.MULTILINE);
    private static final Pattern SLOW_TAG = Pattern.compile("^@Tag\\(\"slow\"\\)", Pattern.MULTILINE);

    @Test
    void fastTestsStartNoSimulatorNoSshdNoJvm_andEveryOtherTestDoesOrIsSlowOnPurpose() throws IOException {
        List<String> wrong = new ArrayList<>();
        int fast = 0;
        for (Path p : testClasses()) {
            String src = Files.readString(p);
            String name = TESTS.relativize(p).toString();
            String code = src.replaceAll("\\w+\\.java\\b", ""); // a source file's name is not a use of its class
            List<String> named = SLOW.stream().filter(code::contains).toList();
            boolean taggedFast = FAST.matcher(src).find();
            if (taggedFast) {
                fast++;
                if (!named.isEmpty()) {
                    wrong.add(name + ": tagged fast but names " + named);
                }
            } else if (named.isEmpty() && !SLOW_TAG.matcher(src).find()) {
                wrong.add(name + ": starts no simulator, SSH server or JVM: tag it @Tag(\"fast\") (or @Tag(\"slow\") "
                        + "with a comment saying why)");
            }
        }
        assertEquals(List.of(), wrong, String.join("\n", wrong));
        assertTrue(fast >= 40, "the fast tier has " + fast + " classes");
    }

    /** Test classes: files named *Test.java (surefire's pattern) other than this one. */
    private static List<Path> testClasses() throws IOException {
        try (Stream<Path> s = Files.walk(TESTS)) {
            return s.filter(p -> p.getFileName().toString().endsWith("Test.java"))
                    .filter(p -> !p.getFileName().toString().equals("TierTest.java")).sorted().toList();
        }
    }
}
