package dev.pictl.transport;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where key passphrases and sudo passwords come from. The transport asks only when it needs one (an encrypted
 * key it is about to use; a node whose sudo wants a password), never logs or stores what it gets, and keeps an
 * answer only for the life of the run.
 */
public interface Secrets {

    /** Environment variable holding the passphrase of encrypted private keys. */
    String PASSPHRASE_ENV = "PICTL_SSH_PASSPHRASE";
    /** Environment variable holding the sudo password. */
    String SUDO_PASSWORD_ENV = "PICTL_SUDO_PASSWORD";

    /** The passphrase of an encrypted private key file. */
    Optional<String> keyPassphrase(Path keyFile);

    /** The sudo password of {@code user} on {@code node}. */
    Optional<String> sudoPassword(String node, String user);

    /** Asks the person at the terminal; the CLI supplies it (reading without echo). Empty when no one can answer. */
    @FunctionalInterface
    interface Prompter {
        Optional<String> ask(String prompt);
    }

    /** No secrets at all: encrypted keys are skipped, password sudo is refused. */
    static Secrets none() {
        return new Secrets() {
            @Override
            public Optional<String> keyPassphrase(Path keyFile) {
                return Optional.empty();
            }

            @Override
            public Optional<String> sudoPassword(String node, String user) {
                return Optional.empty();
            }
        };
    }

    /** {@value #PASSPHRASE_ENV} and {@value #SUDO_PASSWORD_ENV} from the given environment (pass System.getenv()). */
    static Secrets fromEnvironment(Map<String, String> env) {
        Optional<String> passphrase = Optional.ofNullable(env.get(PASSPHRASE_ENV));
        Optional<String> sudo = Optional.ofNullable(env.get(SUDO_PASSWORD_ENV));
        return new Secrets() {
            @Override
            public Optional<String> keyPassphrase(Path keyFile) {
                return passphrase;
            }

            @Override
            public Optional<String> sudoPassword(String node, String user) {
                return sudo;
            }
        };
    }

    /**
     * Asks through the prompter, once per key file and once per sudo user (a fleet usually shares one password,
     * as Ansible's {@code --ask-become-pass} assumes). Thread-safe: concurrent askers wait for one prompt.
     */
    static Secrets prompting(Prompter prompter) {
        Objects.requireNonNull(prompter, "prompter");
        Map<String, Optional<String>> answers = new HashMap<>();
        return new Secrets() {
            @Override
            public Optional<String> keyPassphrase(Path keyFile) {
                return ask("key:" + keyFile, "Enter passphrase for key '" + keyFile + "': ");
            }

            @Override
            public Optional<String> sudoPassword(String node, String user) {
                return ask("sudo:" + user, "[sudo] password for " + user + " (asked for " + node + "): ");
            }

            private Optional<String> ask(String key, String prompt) {
                synchronized (answers) {
                    return answers.computeIfAbsent(key, k -> prompter.ask(prompt));
                }
            }
        };
    }

    /** This source first, {@code other} for what this one lacks. */
    default Secrets orElse(Secrets other) {
        Secrets first = this;
        return new Secrets() {
            @Override
            public Optional<String> keyPassphrase(Path keyFile) {
                return first.keyPassphrase(keyFile).or(() -> other.keyPassphrase(keyFile));
            }

            @Override
            public Optional<String> sudoPassword(String node, String user) {
                return first.sudoPassword(node, user).or(() -> other.sudoPassword(node, user));
            }
        };
    }
}
