package dev.pictl.transport.ssh;

import dev.pictl.io.BoundedFiles;
import dev.pictl.transport.Secrets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private key files (OpenSSH and PEM formats; ed25519, ECDSA, RSA), loaded once per run and shared by every
 * session. An encrypted key asks {@link Secrets} for its passphrase only when the key is about to be offered, so
 * a working ssh-agent key never causes a prompt. What could not be loaded is noted on the connection's
 * {@link ConnectContext} so an auth failure can say why.
 */
final class KeyFiles {

    private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);

    /** One file's outcome: its keys, or a note for people (never containing the passphrase). */
    record Loaded(List<KeyPair> keys, String problem) {
    }

    private final Secrets secrets;
    private final ConcurrentMap<Path, Loaded> cache = new ConcurrentHashMap<>();

    KeyFiles(Secrets secrets) {
        this.secrets = secrets;
    }

    Loaded load(Path file) {
        return cache.computeIfAbsent(file.toAbsolutePath(), this::read);
    }

    private Loaded read(Path file) {
        byte[] bytes;
        try {
            bytes = BoundedFiles.readBytes(file, BoundedFiles.Kind.KEY);
        } catch (NoSuchFileException e) {
            return new Loaded(List.of(), "key file " + file + " does not exist");
        } catch (IOException e) {
            return new Loaded(List.of(), "cannot read key " + file + ": " + BoundedFiles.reason(e));
        }
        AtomicBoolean encrypted = new AtomicBoolean();
        AtomicBoolean passphraseGiven = new AtomicBoolean();
        FilePasswordProvider passwords = new FilePasswordProvider() {
            @Override
            public String getPassword(SessionContext session, NamedResource resource, int retryIndex) {
                encrypted.set(true);
                String p = secrets.keyPassphrase(file).orElse(null);
                passphraseGiven.set(p != null);
                return p;
            }

            @Override
            public ResourceDecodeResult handleDecodeAttemptResult(SessionContext session, NamedResource resource,
                                                                  int retryIndex, String password, Exception err) {
                return ResourceDecodeResult.TERMINATE; // one passphrase per key and run: never re-ask in a loop
            }
        };
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            List<KeyPair> keys = new ArrayList<>();
            Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in, passwords);
            if (loaded != null) {
                loaded.forEach(keys::add);
            }
            if (keys.isEmpty()) {
                return new Loaded(List.of(), encrypted.get() && !passphraseGiven.get()
                        ? passphraseMissing(file) : "key file " + file + " holds no key pictl can use");
            }
            LOG.debug("loaded {} key(s) from {}", keys.size(), file);
            return new Loaded(List.copyOf(keys), null);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.debug("cannot load key {}: {}", file, e.toString());
            if (encrypted.get() && !passphraseGiven.get()) {
                return new Loaded(List.of(), passphraseMissing(file));
            }
            if (encrypted.get()) {
                return new Loaded(List.of(), "the passphrase for key " + file + " was not accepted");
            }
            return new Loaded(List.of(), "cannot read key " + file + ": " + e.getMessage());
        }
    }

    private static String passphraseMissing(Path file) {
        return "key " + file + " is passphrase-protected and no passphrase was given (set "
                + Secrets.PASSPHRASE_ENV + " or run pictl at a terminal)";
    }

    /**
     * A provider that loads the files one by one as MINA's authentication reaches them, recording what it
     * offered and what it could not load on the connection's context.
     */
    KeyIdentityProvider provider(List<Path> files, ConnectContext ctx) {
        List<Path> order = List.copyOf(files);
        return session -> () -> new Iterator<KeyPair>() {
            private final Iterator<Path> paths = order.iterator();
            private Iterator<KeyPair> current = List.<KeyPair>of().iterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && paths.hasNext()) {
                    Path p = paths.next();
                    Loaded l = load(p);
                    if (l.problem() != null) {
                        ctx.note(l.problem());
                    }
                    current = l.keys().iterator();
                    for (KeyPair kp : l.keys()) {
                        ctx.offered(KeyUtils.getKeyType(kp) + " " + KeyUtils.getFingerPrint(kp.getPublic()) + " (" + p
                                + ")");
                    }
                }
                return current.hasNext();
            }

            @Override
            public KeyPair next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
