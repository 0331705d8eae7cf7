package dev.pictl.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The "Examples:" footer of every command's {@code --help} (and so of its man page), in one place: a command
 * without an entry here fails {@code HelpTest}. Each line is a command a user can type as it is (on the simulator
 * where it reaches nodes), with what it does after {@code #}.
 */
final class HelpExamples {
    static final String HEADING = "%nExamples:%n";

    static final Map<String, List<String>> EXAMPLES = Map.ofEntries(
            Map.entry("pictl", List.of(
                    "pictl validate -c examples/seed  # check a description",
                    "pictl sim start -c examples/seed  # a simulated fleet to try it on",
                    "pictl plan -c examples/seed --sim  # on the simulator",
                    "pictl apply -c examples/seed --sim  # make it so (asks first)",
                    "source <(pictl completion bash)  # tab completion in this shell")),
            Map.entry("pictl validate", List.of(
                    "pictl validate  # the .hcl files here",
                    "pictl validate -c cluster/ --json  # diagnostics as JSON")),
            Map.entry("pictl fmt", List.of(
                    "pictl fmt  # the .hcl files here, in place",
                    "pictl fmt -check -diff  # CI: exit 3 and show the change",
                    "pictl fmt -recursive clusters/",
                    "pictl fmt - < cluster.hcl  # standard input to standard output")),
            Map.entry("pictl plan", List.of(
                    "pictl plan --sim  # against the simulator",
                    "pictl plan --out up.plan  # save it for pictl apply up.plan",
                    "pictl plan --detailed-exitcode  # exit 2 when there are changes",
                    "pictl plan --destroy  # what apply --destroy would do",
                    "pictl plan --upgrade-os --out up.plan  # OS updates as changes")),
            Map.entry("pictl apply", List.of(
                    "pictl apply --sim  # plan, ask, apply",
                    "pictl apply up.plan  # exactly the saved plan",
                    "pictl apply --target node.pi-2 --auto-approve",
                    "pictl apply --destroy  # undo pictl's work on every node",
                    "pictl apply --upgrade-os  # install pending OS updates, rolling")),
            Map.entry("pictl show", List.of(
                    "pictl show  # the state",
                    "pictl show up.plan --json  # a saved plan as JSON")),
            Map.entry("pictl graph", List.of(
                    "pictl graph | dot -Tsvg > graph.svg  # as a picture",
                    "pictl graph --format mermaid")),
            Map.entry("pictl state", List.of(
                    "pictl state list",
                    "pictl state show node.pi-1",
                    "pictl state rm --dry-run 'kernel_params.cgroups[\"pi-3\"]'")),
            Map.entry("pictl state list", List.of(
                    "pictl state list  # every recorded instance",
                    "pictl state list kernel_params.cgroups  # the instances of one block")),
            Map.entry("pictl state show", List.of(
                    "pictl state show node.pi-1",
                    "pictl state show 'kernel_params.cgroups[\"pi-1\"]'")),
            Map.entry("pictl state rm", List.of(
                    "pictl state rm --dry-run node.pi-3  # what would be forgotten",
                    "pictl state rm 'kernel_params.cgroups[\"pi-3\"]'")),
            Map.entry("pictl import", List.of(
                    "pictl import --sim node.pi-3  # manage it again after state rm",
                    "pictl import 'kernel_params.cgroups[\"pi-3\"]'")),
            Map.entry("pictl state push", List.of(
                    "pictl state push pictl.state.json  # move a local state into PostgreSQL",
                    "pictl state push pictl.state.rescue.json  # after an apply lost the database")),
            Map.entry("pictl state pull", List.of(
                    "pictl state pull pictl.state.json  # back to a local file",
                    "pictl state pull --serial 41 > old.json  # an earlier version")),
            Map.entry("pictl state list-versions", List.of(
                    "pictl state list-versions")),
            Map.entry("pictl diagnose", List.of(
                    "pictl diagnose  # every node",
                    "pictl diagnose pi-worker-2  # one node (and the server)",
                    "pictl diagnose --json")),
            Map.entry("pictl drift", List.of(
                    "pictl drift -q  # for cron: quiet unless drift",
                    "pictl drift --json --fail-on-health  # health findings count too",
                    "pictl drift --ignore 'health.*.sd_card_boot'  # leave a known finding out")),
            Map.entry("pictl backup", List.of(
                    "pictl backup --sim  # backups/NAME.tar.gz beside the configuration",
                    "pictl backup --out /mnt/nas/pi-backups")),
            Map.entry("pictl restore", List.of(
                    "pictl restore --sim backups/sqlite-pi-server-1-1733600000.tar.gz",
                    "pictl restore -auto-approve /mnt/nas/on-demand-pi-server-1-1733600000.tar.gz")),
            Map.entry("pictl kubeconfig", List.of(
                    "pictl kubeconfig --sim  # ./kubeconfig, simulated cluster",
                    "pictl kubeconfig --file ~/.kube/config --merge",
                    "pictl kubeconfig --stdout | kubectl --kubeconfig /dev/stdin get nodes")),
            Map.entry("pictl sim", List.of(
                    "pictl sim start -c examples/seed  # one board per node",
                    "pictl sim status -c examples/seed",
                    "pictl sim stop -c examples/seed")),
            Map.entry("pictl sim start", List.of(
                    "pictl sim start -c examples/seed",
                    "pictl sim start -c examples/seed --provisioned  # boards set up already",
                    "pictl sim start --nodes 3 --dir /tmp/fleet")),
            Map.entry("pictl sim stop", List.of(
                    "pictl sim stop -c examples/seed")),
            Map.entry("pictl sim status", List.of(
                    "pictl sim status -c examples/seed")),
            Map.entry("pictl sim exec", List.of(
                    "pictl sim exec pi-1 -- uptime",
                    "pictl sim exec pi-1 -- 'cat \"$PICTL_ROOT/proc/cmdline\"'")),
            Map.entry("pictl sim fault", List.of(
                    "pictl sim fault pi-2 unreachable  # the board stops answering",
                    "pictl sim fault pi-2 reachable",
                    "pictl sim fault pi-1 reboot")),
            Map.entry("pictl sim events", List.of(
                    "pictl sim events -c examples/seed")),
            Map.entry("pictl completion", List.of(
                    "source <(pictl completion bash)  # this shell",
                    "pictl completion bash > ~/.local/share/bash-completion/completions/pictl",
                    "echo 'source <(pictl completion zsh)' >> ~/.zshrc")),
            Map.entry("pictl version", List.of(
                    "pictl version")));

    private HelpExamples() {
    }

    /** The lines with their "# ..." comments lined up one column past the longest command. */
    static List<String> aligned(List<String> lines) {
        int width = 0;
        for (String l : lines) {
            int at = l.indexOf("  # ");
            width = Math.max(width, at < 0 ? 0 : at);
        }
        List<String> out = new java.util.ArrayList<>();
        for (String l : lines) {
            int at = l.indexOf("  # ");
            out.add(at < 0 ? l : l.substring(0, at) + " ".repeat(width - at + 2) + l.substring(at + 2));
        }
        return out;
    }

    /** Puts each command's examples under its help, for the whole tree. */
    static void apply(CommandLine cl) {
        List<String> lines = EXAMPLES.get(cl.getCommandSpec().qualifiedName());
        if (lines != null) {
            UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
            usage.footerHeading(HEADING);
            // picocli formats the footer: a % in an example must not be taken for a format specifier
            usage.footer(aligned(lines).stream().map(l -> "  " + l.replace("%", "%%")).toArray(String[]::new));
        }
        cl.getSubcommands().values().forEach(HelpExamples::apply);
    }
}
