package dev.pictl.types.storage;

import dev.pictl.config.LabelRule;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import java.util.regex.Pattern;

/** The name rule of types that are Kubernetes objects: their block name is the object's name. */
class KubernetesName implements LabelRule {
    private static final Pattern K8S_NAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final String type;

    KubernetesName(String type) {
        this.type = type;
    }

    @Override
    public boolean check(String name, SourceRange at, Diagnostics diags) {
        if (K8S_NAME.matcher(name).matches()) {
            return true;
        }
        diags.error(at, type + " name \"" + name + "\" is not a valid Kubernetes name",
                "Kubernetes object names use lower-case letters, digits, \"-\" and \".\".");
        return false;
    }

    @Override
    public String description() {
        return "A Kubernetes object name: lower-case letters, digits and -, starting with a letter.";
    }

    @Override
    public String pattern() {
        return "^[a-z]([-a-z0-9]*[a-z0-9])?$";
    }

    @Override
    public Integer maxLength() {
        return 253;
    }
}
