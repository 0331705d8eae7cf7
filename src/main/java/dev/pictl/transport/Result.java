package dev.pictl.transport;

import java.util.Objects;

/** One node's outcome of {@link Transport#openAll}: a value or the classified failure. */
public sealed interface Result<T> {

    record Ok<T>(T value) implements Result<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    record Failed<T>(TransportException error) implements Result<T> {
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }

    static <T> Result<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Result<T> failed(TransportException error) {
        return new Failed<>(error);
    }

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The value, or the failure rethrown. */
    default T get() throws TransportException {
        if (this instanceof Ok<T> ok) {
            return ok.value();
        }
        throw ((Failed<T>) this).error();
    }
}
