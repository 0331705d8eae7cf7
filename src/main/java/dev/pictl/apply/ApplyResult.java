package dev.pictl.apply;

import dev.pictl.plan.Action;
import java.util.List;

/** What an apply did, resource by resource, in the order things ended. */
public record ApplyResult(List<Outcome> outcomes, boolean interrupted, long stateSerial) {
    public ApplyResult {
        outcomes = List.copyOf(outcomes);
    }

    public boolean ok() {
        return !interrupted && outcomes.stream().allMatch(o -> o instanceof Outcome.Succeeded);
    }

    private long succeeded(Action... actions) {
        return outcomes.stream().filter(o -> o instanceof Outcome.Succeeded)
                .filter(o -> List.of(actions).contains(o.action())).count();
    }

    /** Terraform's counting: a replacement counts as one added and one destroyed. */
    public long added() {
        return succeeded(Action.CREATE, Action.REPLACE);
    }

    public long changed() {
        return succeeded(Action.UPDATE);
    }

    public long destroyed() {
        return succeeded(Action.DELETE, Action.REPLACE);
    }

    public List<Outcome.Failed> failures() {
        return outcomes.stream().filter(o -> o instanceof Outcome.Failed).map(o -> (Outcome.Failed) o).toList();
    }

    public List<Outcome.Skipped> skipped() {
        return outcomes.stream().filter(o -> o instanceof Outcome.Skipped).map(o -> (Outcome.Skipped) o).toList();
    }
}
