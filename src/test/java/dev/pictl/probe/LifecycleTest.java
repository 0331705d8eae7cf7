package dev.pictl.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.probe.NodeObservation.Lifecycle;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The probe's {@code lifecycle} section: is the board going down, and did pictl schedule a reboot of this boot? */
@Tag("fast")
class LifecycleTest {
    @ParameterizedTest(name = "state={0} nologin={1} → going down: {2}")
    @CsvSource({
            "running, false, false",
            "degraded, false, false",
            "stopping, false, true",
            "stopping, true, true",
            // a shutdown scheduled within minutes (logind writes /run/nologin 5 min ahead): no new change now
            "running, true, true",
            // during boot /run/nologin is normal until systemd-user-sessions starts
            "starting, true, false",
            "initializing, true, false",
            // no systemd answer at all: /run/nologin is the only sign
            "'', true, true",
            "'', false, false",
    })
    void goingDown(String state, boolean nologin, boolean expected) {
        assertEquals(expected, new Lifecycle(state, nologin, null).shuttingDown());
    }

    @Test
    void parsesTheSection() {
        Lifecycle l = ProbeParser.lifecycle("state=stopping\nnologin=yes\npictl-reboot=0e9d3f4c-5a1b-4c2d-9e8f-7a6b5c4d3e2f");
        assertEquals("stopping", l.systemState());
        assertTrue(l.nologin());
        assertTrue(l.pictlRebootPending("0e9d3f4c-5a1b-4c2d-9e8f-7a6b5c4d3e2f"));
        assertFalse(l.pictlRebootPending("11111111-5a1b-4c2d-9e8f-7a6b5c4d3e2f"), "another boot's marker");

        Lifecycle quiet = ProbeParser.lifecycle("state=running\npictl-reboot=");
        assertFalse(quiet.nologin());
        assertNull(quiet.pictlRebootOf());
        assertFalse(quiet.shuttingDown());

        assertEquals(Lifecycle.RUNNING, ProbeParser.lifecycle(null), "an older probe without the section");
    }

    @Test
    void theScriptHasTheSectionRightAfterTheBootId() {
        String script = StandardProbe.script(StandardProbe.request("pi-1", false, java.util.List.of()));
        int boot = script.indexOf("sec boot-id");
        int life = script.indexOf("sec lifecycle");
        assertTrue(boot > 0 && life > boot, script);
        assertTrue(script.contains("systemctl is-system-running"), script);
        assertTrue(script.contains("\"$R/run/nologin\""), script);
        assertTrue(script.contains("\"$R/run/pictl/reboot\""), script);
    }
}
