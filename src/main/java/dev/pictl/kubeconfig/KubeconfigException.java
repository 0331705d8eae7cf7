package dev.pictl.kubeconfig;

/**
 * Text that is not a kubeconfig pictl can work with. The message is a reason fragment for people, such as
 * {@code line 3, column 17: mapping values are not allowed here} or {@code contexts[1] has no name}; it never
 * quotes the file's content (which may hold a client key).
 */
public final class KubeconfigException extends Exception {
    public KubeconfigException(String reason) {
        super(reason);
    }
}
