package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A broken {@code .pivars} never shows its values (issue 11, class 2): the file holds variable values, secrets among
 * them, so its diagnostics give the position and what is wrong, never an excerpt of the line or the text the parser
 * stumbled on, in text or JSON.
 */
@Tag("fast")
class PivarsSecretsTest {
    private static final String SECRET = "Zq7wSECRETvalue";
    private static final String DESCRIPTION = """
            variable "k3s_token" {
              sensitive = true
            }
            variable "tag" {
              default = "a"
            }
            node "pi-1" { address = "192.168.1.10" }
            kernel_params "cgroups" {
              nodes = [node.pi-1]
              add   = ["cgroup_enable=memory"]
            }
            k3s_server "control" {
              node    = node.pi-1
              version = "v1.31.4+k3s1"
              token   = var.k3s_token
            }
            """;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {
            "k3s_token = \"" + SECRET + "\n",                       // unterminated string
            "k3s_token = " + SECRET + " $$ x\n",                    // bare word, stray characters
            "k3s_token = \"" + SECRET + "\" \"" + SECRET + "\"\n",  // two values
            "k3s_token = [\"" + SECRET + "\",\n",                   // unclosed list
            "k3s_token = \"${" + SECRET + "}\"\n",                  // interpolation in a literal-only file
            "k3s_token = upper(\"" + SECRET + "\")x\n",             // a call, then junk
            "k3s_token = { '" + SECRET + "' = 1 }\n",               // single quotes
            "\"" + SECRET + "\" = 1\n",                              // a quoted name
            "k3s_token = <<EOT\n" + SECRET + "\n",                  // unterminated heredoc
    })
    void aBrokenPivars_isReportedByPosition_withoutItsText(String pivars) throws Exception {
        Files.writeString(dir.resolve("cluster.hcl"), DESCRIPTION);
        Files.writeString(dir.resolve(".pivars"), pivars);
        CliRunner.Result text = CliRunner.run(dir, Map.of("NO_COLOR", "1"), "validate");
        CliRunner.Result json = CliRunner.run(dir, Map.of("NO_COLOR", "1"), "validate", "--json");

        assertEquals(1, text.exitCode(), text.all());
        assertTrue(text.err().contains(".pivars:1:") || text.err().contains(".pivars:2:"), text.err());
        for (CliRunner.Result r : new CliRunner.Result[] {text, json}) {
            assertFalse(r.all().contains(SECRET), () -> "the value shows:\n" + r.all());
            assertFalse(r.all().contains(SECRET.substring(0, 8)), () -> "part of the value shows:\n" + r.all());
        }
    }
}
