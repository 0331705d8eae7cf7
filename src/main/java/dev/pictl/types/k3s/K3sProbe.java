package dev.pictl.types.k3s;

import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeOutput;
import dev.pictl.probe.ProbeParser;
import dev.pictl.probe.ProbeRequest;

import java.util.List;

/**
 * The k3s types' fragment of the probe, shared by {@code k3s_server} and {@code k3s_agent} (so it lives in the
 * family's package): the binary's version, config.yaml (only when it exists), the agent's {@code K3S_URL}, and on
 * the server (ask {@value #SERVER_TOKEN_ASK}) the token; the {@code k3s} and {@code k3s-agent} units are declared
 * for {@link NodeProbe#UNITS}.
 *
 * <p>Secrets: the output carries the token's first line, reduced here to its password, and config.yaml, whose
 * {@code token:} k3s reads. Both stay in {@link K3sInstall}, whose {@code toString} redacts them.
 */
public final class K3sProbe {

    /** The ask that makes the server's probe read its token. */
    public static final String SERVER_TOKEN_ASK = "server-token";

    private static final String TEXT = """
            sec k3s-version;        k3s --version 2>/dev/null
            k="$R/etc/rancher/k3s/config.yaml"
            [ -f "$k" ] && { sec k3s-config; rd "$k" 2>/dev/null; }
            k="$R/etc/rancher/k3s/registries.yaml"
            [ -f "$k" ] && { sec k3s-registries; rd "$k" 2>/dev/null; }
            sec agent-env;          gr "$R/etc/systemd/system/k3s-agent.service.env" 'K3S_URL=*' 2>/dev/null
            """;

    // First line only; the parser keeps the password.
    private static final String TOKEN_TEXT = """
            sec server-token;       _l=; IFS= read -r _l 2>/dev/null <"$R/var/lib/rancher/k3s/server/token"
                                    [ -z "$_l" ] || printf '%s\\n' "$_l"
            """;

    /** The k3s installation; null when there is no binary, config, token or agent env at all. */
    public static final ProbeFragment<K3sInstall> INSTALL = NodeProbe.fragment("k3s",
            List.of("k3s-version", "k3s-config", "k3s-registries", "agent-env", "server-token"), List.of("k3s", "k3s-agent"),
            request -> request.asked(SERVER_TOKEN_ASK) ? TEXT + TOKEN_TEXT : TEXT, K3sProbe::k3s);

    /**
     * The k3s installation on a node.
     *
     * @param version         from {@code k3s --version}, e.g. {@code v1.31.4+k3s1}; null if the binary is missing
     * @param configYaml      {@code /etc/rancher/k3s/config.yaml}, null if absent
     * @param serverPassword  the password part of the server's {@code /var/lib/rancher/k3s/server/token}
     *                        ({@code K10<hash>::server:<password>}); null unless a server token exists. Secret.
     * @param agentUrl        {@code K3S_URL} from the agent's env file, or null
     * @param registriesYaml  {@code /etc/rancher/k3s/registries.yaml}, null if absent. May hold credentials.
     */
    public record K3sInstall(String version, String configYaml, String serverPassword, String agentUrl,
                             String registriesYaml) {
        public K3sInstall(String version, String configYaml, String serverPassword, String agentUrl) {
            this(version, configYaml, serverPassword, agentUrl, null);
        }

        @Override
        public String toString() {
            return "K3sInstall[version=" + version + ", configYaml=" + (configYaml == null ? null : "...")
                    + ", serverPassword=" + (serverPassword == null ? null : "(sensitive)") + ", agentUrl=" + agentUrl
                    + ", registriesYaml=" + (registriesYaml == null ? null : "...") + "]";
        }
    }

    private K3sProbe() {
    }

    static K3sInstall k3s(ProbeRequest request, ProbeOutput s) {
        String version = ProbeParser.k3sVersion(s.get("k3s-version"));
        String config = s.get("k3s-config");
        String password = serverPassword(s.get("server-token"));
        String agentUrl = agentUrl(s.get("agent-env"));
        if (version == null && config == null && password == null && agentUrl == null) {
            return null;
        }
        return new K3sInstall(version, config, password, agentUrl, s.get("k3s-registries"));
    }

    /**
     * The password of a k3s token: {@code K10<ca-hash>::<user>:<password>} → {@code <password>} (k3s splits at
     * the first {@code ::}, then at the first {@code :}, so the password may hold colons); a token without
     * {@code ::} is a bare password. Null for an empty or missing file.
     */
    public static String serverPassword(String text) {
        String token = ProbeParser.line(text);
        if (token == null) {
            return null;
        }
        int sep = token.indexOf("::");
        if (sep < 0) {
            return token;
        }
        String creds = token.substring(sep + 2);
        int colon = creds.indexOf(':');
        String password = colon < 0 ? creds : creds.substring(colon + 1);
        return password.isEmpty() ? null : password;
    }

    /** {@code K3S_URL='https://10.0.0.1:6443'} (quoted by the install script, or not) → the URL. */
    public static String agentUrl(String text) {
        for (String line : ProbeParser.lines(text)) {
            String l = line.strip();
            if (l.startsWith("K3S_URL=")) {
                String v = ProbeParser.unquote(l.substring("K3S_URL=".length()));
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }
}
