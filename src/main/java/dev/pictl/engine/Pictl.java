package dev.pictl.engine;

import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.GraphBuilder;
import dev.pictl.graph.ResourceGraph;

/** pictl's operations. Stateless; every input arrives in a request record. */
public final class Pictl {
    /**
     * Loads, decodes and checks a configuration and builds its graph. Never throws for bad input: every
     * problem is in the result's diagnostics.
     */
    public ValidateResult validate(ValidateRequest request) {
        LoadResult load = ConfigLoader.load(request.config(), request.variables());
        Diagnostics diags = load.diagnostics();
        ResourceGraph graph = null;
        if (load.config() != null) {
            graph = GraphBuilder.build(load.config().instances(), diags);
            if (diags.hasErrors()) {
                graph = null;
            }
        }
        return new ValidateResult(load.config(), graph, diags, load.sources());
    }
}
