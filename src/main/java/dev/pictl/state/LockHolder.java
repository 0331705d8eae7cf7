package dev.pictl.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Who holds the writer lock, as recorded in the lock file's content: {@code user@host}, pid, when the lock was
 * taken (UTC, whole seconds) and the command. The lock itself is the kernel's; this is only for the message
 * a second writer sees.
 */
public record LockHolder(String user, String host, long pid, Instant started, String command) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public LockHolder {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(command, "command");
    }

    /** This process, starting {@code command} now. */
    public static LockHolder current(String command, Instant now) {
        return new LockHolder(System.getProperty("user.name", "unknown"), hostName(), ProcessHandle.current().pid(),
                now.truncatedTo(ChronoUnit.SECONDS), command);
    }

    /** {@code root@box (pid 1234) since 2026-11-21T20:30:00Z (3m12s ago), running `pictl apply`}. */
    public String describe(Instant now) {
        return user + "@" + host + " (pid " + pid + ") since " + started + " (" + age(Duration.between(started, now))
                + " ago), running `" + command + "`";
    }

    /** {@code 45s}, {@code 3m12s}, {@code 2h05m}, {@code 3d04h}. */
    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + String.format("%02d", s % 60) + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h" + String.format("%02d", s % 3600 / 60) + "m";
        }
        return s / 86400 + "d" + String.format("%02d", s % 86400 / 3600) + "h";
    }

    String toJson() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("user", user).put("host", host).put("pid", pid).put("started", started.toString()).put("command", command);
        return o.toString() + "\n";
    }

    /** The holder recorded in {@code text}, or null when it is empty or not a holder record. */
    static LockHolder parse(String text) {
        try {
            JsonNode o = MAPPER.readTree(text);
            if (o == null || !o.isObject() || !o.path("pid").canConvertToLong()) {
                return null;
            }
            return new LockHolder(o.path("user").asText("unknown"), o.path("host").asText("unknown"),
                    o.path("pid").asLong(), Instant.parse(o.path("started").asText()), o.path("command").asText(""));
        } catch (IOException | DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The kernel's host name, read without a DNS lookup ({@link InetAddress#getLocalHost()} can block for
     * seconds on a machine with a broken resolver), falling back to it only off Linux.
     */
    private static String hostName() {
        try {
            Path p = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(p)) {
                String h = Files.readString(p).trim();
                if (!h.isEmpty()) {
                    return h;
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
