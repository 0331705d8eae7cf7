package dev.pictl.transport.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real OpenSSH key files made by ssh-keygen, and ssh-keygen's own view of them. */
final class TestKeys {

    private TestKeys() {
    }

    static boolean sshKeygenAvailable() {
        return Files.isExecutable(Path.of("/usr/bin/ssh-keygen"));
    }

    /** {@code type}: ed25519, ecdsa or rsa. Empty passphrase for an unencrypted key. */
    static Path generate(Path dir, String name, String type, String passphrase) throws IOException {
        Path key = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C",
                "pictl-test-" + name, "-f", key.toString()));
        if (type.equals("rsa")) {
            cmd.addAll(List.of("-b", "2048"));
        }
        run(cmd);
        return key;
    }

    static Path pub(Path key) {
        return key.resolveSibling(key.getFileName() + ".pub");
    }

    /** The SHA256 fingerprint exactly as {@code ssh-keygen -lf} prints it. */
    static String fingerprint(Path pubKey) throws IOException {
        String out = run(List.of("ssh-keygen", "-lf", pubKey.toString()));
        return out.trim().split("\\s+")[1];
    }

    static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + cmd);
            }
            assertEquals(0, p.exitValue(), () -> cmd + " failed: " + out);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static void appendLine(Path file, String line) throws IOException {
        Files.writeString(file, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }
}
