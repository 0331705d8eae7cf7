package dev.pictl.types.k3s;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.diag.Diagnostics;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.ResourceChange;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.CertProbe;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.AttributeSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.transport.ExecResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Certificate renewal as a planned change (issue 15, docs/certificates.md): {@code cert_renewal_days = N} on a
 * {@code k3s_server} or {@code k3s_agent} block asks that k3s's leaf certificates on its nodes never get closer than N
 * days to their expiry.
 *
 * <p>The planner's view is one pseudo-attribute, {@value #ATTRIBUTE}, present only when the block sets the margin:
 * <pre>
 *   observed   the earliest leaf expiry the probe read                         "2027-01-06"
 *   desired    the same, while it is more than N days away (no change)         "2027-01-06"
 *              else the expiry a renewal gives (today + 365 days)              "2027-12-27 (after renewal)"
 * </pre>
 * so the plan shows {@code ~ certificates = "2027-01-06" -> "2027-12-27 (after renewal)"}. Two plain dates are
 * always "the same" ({@link #same}): k3s renews by itself at a restart inside its window, and that is not drift
 * (the health findings report a certificate close to expiry).
 *
 * <p>Apply renews the k3s way (day2-facts §3.3): {@code systemctl stop UNIT; k3s certificate rotate; systemctl start
 * UNIT} (rotate backs the TLS directory up and deletes the leaves; k3s makes new ones at start, valid a year), waits
 * for the unit and the node Ready, then reads the files again and fails unless the new expiry is beyond the margin.
 * Rotate rather than a bare restart: a restart renews only inside k3s's own window (120 days since May 2025, 90
 * before), so a margin beyond it, or an older k3s, would restart and renew nothing. The change takes the node out of
 * service ({@code takesNodeOutOfService}), so the walker runs it as it runs an upgrade: one node at a time within
 * {@code max_unavailable}, the server before its agents; with several servers, one server at a time keeps quorum.
 */
final class CertRenewal {
    static final String MARGIN = "cert_renewal_days";
    static final String ATTRIBUTE = "certificates";
    static final String RENEWED = " (after renewal)";
    /** The largest margin: a fresh leaf lasts 365 days, so a larger one would renew on every apply. */
    static final int MAX_DAYS = 300;

    static final AttributeSchema MARGIN_ATTR = attr(MARGIN, AttrType.NUMBER)
            .doc("Renew k3s's certificates on this block's nodes when they expire within this many days (1 to "
                    + MAX_DAYS + "; e.g. 30). The plan then shows `certificates` with the expiry before and after; "
                    + "apply runs `k3s certificate rotate` and restarts k3s, one node at a time, servers first. "
                    + "Unset: pictl leaves renewal to k3s (at its start, within 120 days of expiry) and only reports "
                    + "certificates close to expiry (docs/certificates.md).");

    private CertRenewal() {
    }

    /** A margin that is not a whole number of days from 1 to {@value #MAX_DAYS} is an error at the attribute. */
    static void check(List<ResourceInstance> blocks, Diagnostics diags) {
        for (ResourceInstance i : blocks) {
            if (i.attributes().get(MARGIN) instanceof Value.Num n && !valid(n.value())) {
                diags.error(i.rangeOf(MARGIN), MARGIN + " must be a whole number of days from 1 to " + MAX_DAYS,
                        "A fresh k3s certificate is valid 365 days; a margin such as 30 renews a month ahead.");
            }
        }
    }

    private static boolean valid(BigDecimal n) {
        return n.stripTrailingZeros().scale() <= 0 && n.compareTo(BigDecimal.ONE) >= 0
                && n.compareTo(BigDecimal.valueOf(MAX_DAYS)) <= 0;
    }

    /** The block's margin in days, or null when it sets none (or a value {@link #check} refuses). */
    static Integer margin(ResourceInstance i) {
        if (i != null && i.attributes().get(MARGIN) instanceof Value.Num n && valid(n.value())) {
            return n.value().intValue();
        }
        return null;
    }

    /**
     * The earliest leaf expiry on the nodes (every server of a block with several: each has its own certificates), or
     * null (no certificates, no node probed).
     */
    static CertProbe.Cert earliest(PlanContext ctx, List<String> nodes) {
        CertProbe.Cert first = null;
        for (String node : nodes) {
            CertProbe.Cert c = ctx.observation(node).map(o -> o.part(CertProbe.CERTS))
                    .map(CertProbe.Certs::earliest).orElse(null);
            if (c != null && (first == null || c.notAfter().isBefore(first.notAfter()))) {
                first = c;
            }
        }
        return first;
    }

    /** The earliest leaf expiry on the nodes, as a plain date, or null (no certificates, no node probed). */
    static String observed(PlanContext ctx, List<String> nodes) {
        CertProbe.Cert c = earliest(ctx, nodes);
        return c == null ? null : CertProbe.day(c.notAfter());
    }

    /**
     * Adds the observed {@value #ATTRIBUTE} to an observed map when the block sets a margin: the earliest on its nodes
     * (an agent's one node, or every server of a block with several).
     */
    static Map<String, Object> withObserved(Map<String, Object> attributes, ResourceInstance i, PlanContext ctx,
                                            List<String> nodes) {
        String seen = margin(i) == null ? null : observed(ctx, nodes);
        if (seen == null) {
            return attributes;
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(attributes);
        out.put(ATTRIBUTE, seen);
        return out;
    }

    /** Adds the desired {@value #ATTRIBUTE} to a desired map: see the class. */
    static Map<String, Object> withDesired(Map<String, Object> attributes, ResourceInstance i, PlanContext ctx,
                                           List<String> nodes, Instant now) {
        Integer margin = margin(i);
        if (margin == null) {
            return attributes;
        }
        CertProbe.Cert c = earliest(ctx, nodes);
        if (c == null) {
            return attributes;
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(attributes);
        out.put(ATTRIBUTE, desired(c.notAfter(), margin, now));
        return out;
    }

    /** The earliest expiry as is while it is more than {@code margin} days away, else what a renewal gives. */
    static String desired(Instant earliest, int margin, Instant now) {
        return earliest.isAfter(now.plus(Duration.ofDays(margin))) ? CertProbe.day(earliest)
                : CertProbe.day(now.plus(Duration.ofDays(365))) + RENEWED;
    }

    /** Two plain dates are the same (k3s's own renewals are not drift); a renewal asked for is compared as is. */
    static boolean same(Object desired, Object observed) {
        if (desired instanceof String d && d.endsWith(RENEWED)) {
            return Objects.equals(desired, observed);
        }
        return true;
    }

    /** Whether the change renews the certificates. */
    static boolean renews(ResourceChange c) {
        return c.changes().stream().anyMatch(a -> a.name().equals(ATTRIBUTE) && a.after() instanceof String s
                && s.endsWith(RENEWED));
    }

    /** Whether a change list renews them (the plan's reason). */
    static boolean renews(List<AttributeChange> changes) {
        return changes.stream().anyMatch(a -> a.name().equals(ATTRIBUTE) && a.after() instanceof String s
                && s.endsWith(RENEWED));
    }

    /**
     * Stops the unit, rotates, starts it and waits for it to be active (a new process). The caller waits for Ready,
     * then {@link #verify}.
     */
    static void rotate(ApplyContext ctx, ResourceAddress address, String node, String unit) throws ApplyException {
        ctx.step(address, "renew k3s certificates (stop " + unit + ", k3s certificate rotate, start " + unit + ")");
        ExecResult pid = ctx.check(node, "renew k3s certificates", "systemctl show -p MainPID --value " + unit);
        ctx.check(node, "renew k3s certificates", "systemctl stop " + unit + " && k3s certificate rotate && "
                + "systemctl --no-block start " + unit);
        ctx.step(address, "wait for " + unit + " to be active (certificates renewed)");
        K3sNode.awaitActive(ctx, node, unit, pid.stdout().strip(), "wait for " + unit + " to be active");
    }

    /**
     * Reads the certificate files again: the new earliest expiry must be no earlier than the plan said (its date, a
     * day's slack for the time between plan and apply); it is returned as the date to record.
     */
    static String verify(ApplyContext ctx, ResourceAddress address, List<String> nodes, String planned)
            throws ApplyException {
        java.time.LocalDate want = java.time.LocalDate.parse(planned.substring(0, planned.length() - RENEWED.length()));
        String earliest = null;
        for (String node : nodes) {
            ctx.step(address, "check the renewed certificates" + (nodes.size() > 1 ? " on " + node : ""));
            ExecResult r = ctx.check(node, "check the renewed certificates", CertProbe.readScript());
            CertProbe.Cert c = CertProbe.read(r.stdout()).earliest();
            if (c == null || CertProbe.day(c.notAfter()).compareTo(want.minusDays(1).toString()) < 0) {
                throw new ApplyException(node, "check the renewed certificates", c == null
                        ? "no k3s certificate could be read after the renewal"
                        : "k3s did not renew its certificates: " + c.file() + " expires on "
                        + CertProbe.day(c.notAfter()) + ", the plan expected " + want,
                        "run `sudo k3s certificate check` and `journalctl -u k3s* -n 50` on " + node);
            }
            String day = CertProbe.day(c.notAfter());
            earliest = earliest == null || day.compareTo(earliest) < 0 ? day : earliest;
        }
        return earliest;
    }

    /** The renewed date the change plans ({@code "2027-12-27 (after renewal)"}), or null when it renews nothing. */
    static String planned(ResourceChange c) {
        for (AttributeChange a : c.changes()) {
            if (a.name().equals(ATTRIBUTE) && a.after() instanceof String s && s.endsWith(RENEWED)) {
                return s;
            }
        }
        return null;
    }

}
