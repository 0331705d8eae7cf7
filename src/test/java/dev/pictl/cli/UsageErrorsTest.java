package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** "Did you mean" for options and commands: one line in pictl's style, then where the usage is; exit 1. */
@Tag("fast")
class UsageErrorsTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("apply --auto-aprove",
                        "unknown option \"--auto-aprove\" for pictl apply; did you mean \"--auto-approve\"?",
                        "pictl apply"),
                Arguments.of("plan --detailed-exit-code",
                        "unknown option \"--detailed-exit-code\" for pictl plan; did you mean \"--detailed-exitcode\"?",
                        "pictl plan"),
                Arguments.of("apply --paralelism=3",
                        "unknown option \"--paralelism\" for pictl apply; did you mean \"--parallelism\"?",
                        "pictl apply"),
                Arguments.of("fmt -chek", "unknown option \"-chek\" for pictl fmt; did you mean \"-check\"?", "pictl fmt"),
                Arguments.of("--versoin", "unknown option \"--versoin\" for pictl; did you mean \"--version\"?", "pictl"),
                Arguments.of("plan --frobnicate", "unknown option \"--frobnicate\" for pictl plan", "pictl plan"),
                Arguments.of("destroy",
                        "pictl has no destroy command; use \"pictl apply --destroy\" (\"pictl plan --destroy\" shows "
                                + "what it would do first)", "pictl"),
                Arguments.of("destroy --auto-approve",
                        "pictl has no destroy command; use \"pictl apply --destroy\" (\"pictl plan --destroy\" shows "
                                + "what it would do first)", "pictl"),
                Arguments.of("refresh",
                        "pictl has no refresh command; use \"pictl apply --refresh-only\" (\"pictl drift\" only reports)",
                        "pictl"),
                Arguments.of("init", "pictl has no init command; it needs no initialisation: write the description and "
                        + "run \"pictl validate\", then \"pictl plan\"", "pictl"),
                Arguments.of("plna", "unknown command \"plna\" for pictl; did you mean \"pictl plan\"?", "pictl"),
                Arguments.of("aply -c x", "unknown command \"aply\" for pictl; did you mean \"pictl apply\"?", "pictl"),
                Arguments.of("valdiate", "unknown command \"valdiate\" for pictl; did you mean \"pictl validate\"?", "pictl"),
                Arguments.of("state lst", "unknown command \"lst\" for pictl state; did you mean \"pictl state list\"?",
                        "pictl state"),
                Arguments.of("frobnicate",
                        "unknown command \"frobnicate\" for pictl; the commands are listed by \"pictl --help\"", "pictl"),
                Arguments.of("validate extra", "unexpected argument \"extra\" for pictl validate", "pictl validate"));
        // (The simulator's own option, mistyped or misplaced, is SimSafetyTest's: this tier may not name it.)
    }

    @ParameterizedTest(name = "pictl {0}")
    @MethodSource("cases")
    void oneLineWithTheClosestNameOrThePictlWay(String args, String message, String command) {
        CliRunner.Result r = CliRunner.run(Path.of(""), Map.of(), args.split(" "));
        assertEquals(1, r.exitCode(), r.all());
        assertEquals("Error: " + message + "\nRun '" + command + " --help' for usage.\n", r.err());
        assertEquals("", r.out());
    }
}
