package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one token parse plan and apply share: the hash the plan shows is the hash apply records. */
@Tag("fast")
class K3sTokenTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "K10abc123::server:s3cret       | s3cret",
        "K10abc123::node:s3cret         | s3cret",
        "K10abc::server:pass:with:colons | pass:with:colons",
        "K10abc::s3cret                 | s3cret",
        "K10abc::server:                | ''",
        "s3cret                         | s3cret",
        "pass::word                     | pass::word",
        "K10nohash                      | K10nohash",
        "K10::server:x                  | x",
        "k10abc::server:x               | k10abc::server:x",
        "$(id)::`x`:y                   | $(id)::`x`:y",
    })
    void password_isThePartK3sChecks(String token, String password) {
        assertEquals(password, K3sToken.password(token));
    }

    @Test
    void password_ofNullIsNull() {
        assertNull(K3sToken.password(null));
    }
}
