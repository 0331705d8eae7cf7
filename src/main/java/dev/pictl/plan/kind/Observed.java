package dev.pictl.plan.kind;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What probing says about one resource. */
public sealed interface Observed {
    /** It is there, with these canonical attributes. {@code note} explains something the plan should show. */
    record Present(Map<String, Object> attributes, String note) implements Observed {
        public Present {
            attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }

        public Present(Map<String, Object> attributes) {
            this(attributes, null);
        }
    }

    /** It is not there. */
    record Absent() implements Observed {
    }

    /** It could not be read, and why. */
    record Unknown(String reason) implements Observed {
    }
}
