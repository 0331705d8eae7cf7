package dev.pictl.nodetext;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pictl.resource.Check;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("fast")
class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms, 500", "10s, 10000", "2m, 120000", "1h, 3600000", "0s, 0", "' 90s ', 90000",
        "999999999h, 3599999996400000"})
    void parse_readsOneNumberAndAUnit(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "10", "s", "1.5s", "-1s", "+1s", "1h30m", "10 s", "10S", "1d", "1sec",
        "1000000000s", "99999999999999999999h", "١٠s", "10s\nx", "10s;reboot", "$(id)s"})
    void parse_refusesEverythingElse(String text) {
        assertEquals(null, Durations.parse(text));
    }

    /** The description's grammar is one: what the schema's pattern accepts is exactly what parse reads. */
    @ParameterizedTest
    @ValueSource(strings = {"500ms", "10s", "2m", "1h", "0s", "123456789m", "1234567890s", "10", "1h30m", "1.5s",
        "10 s", "", "ms", "١٠s", "10S"})
    void parse_agreesWithTheSchemasPattern(String text) {
        assertEquals(Durations.PATTERN, Check.DURATION.pattern());
        assertEquals(Pattern.compile(Durations.PATTERN).matcher(text).matches(), Durations.parse(text) != null, text);
        assertEquals(Check.DURATION.accepts(text), Durations.parse(text) != null, text);
    }

    @ParameterizedTest
    @CsvSource({"30, 30000", "0, 0", "30s, 30000", "500ms, 500", "' 2m ', 120000"})
    void parseSecondsByDefault_takesABareNumberAsSeconds(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parseSecondsByDefault(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1234567890", "-5", "5x", "1h30m"})
    void parseSecondsByDefault_refusesWhatParseRefuses(String text) {
        assertEquals(null, Durations.parseSecondsByDefault(text));
    }

    @ParameterizedTest
    @CsvSource({"1h30m, 5400000", "5m, 300000", "300s, 300000", "1m500ms, 60500", "2h0m1s, 7201000", "45, 45000",
        "0, 0"})
    void parseCompound_readsKubectlsForm(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parseCompound(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "5x", "1h 30m", "h5", "1.5s", "-5m", "abc5s", "99999999999999999999s"})
    void parseCompound_isNullForAnythingElse(String text) {
        assertEquals(null, Durations.parseCompound(text));
    }

    @Test
    void nullIsNull() {
        assertEquals(null, Durations.parse(null));
        assertEquals(null, Durations.parseSecondsByDefault(null));
        assertEquals(null, Durations.parseCompound(null));
    }
}
