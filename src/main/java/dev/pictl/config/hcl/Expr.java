package dev.pictl.config.hcl;

import dev.pictl.diag.SourceRange;
import java.util.List;

/** An unevaluated HCL expression; references stay as {@link Traversal}s so the graph can be built from them. */
public sealed interface Expr {
    SourceRange range();

    /** A string ({@link String}), number ({@link java.math.BigDecimal}), bool ({@link Boolean}) or null. */
    record Literal(Object value, SourceRange range) implements Expr {
    }

    /** A quoted or heredoc template; parts are {@link Literal} strings and interpolated expressions. */
    record Template(List<Expr> parts, SourceRange range) implements Expr {
        public Template {
            parts = List.copyOf(parts);
        }
    }

    /** {@code [a, b]}. */
    record Tuple(List<Expr> items, SourceRange range) implements Expr {
        public Tuple {
            items = List.copyOf(items);
        }
    }

    /** {@code { k = v, "k2" = v2 }}. */
    record ObjectCons(List<Item> items, SourceRange range) implements Expr {
        public ObjectCons {
            items = List.copyOf(items);
        }

        /** One {@code key = value}; a bare identifier key is a {@link Literal} string. */
        public record Item(Expr key, Expr value) {
        }
    }

    /** {@code root.step.step[index]}, e.g. {@code node.pi-1}, {@code var.token}, {@code node.pi-1.address}. */
    record Traversal(String root, SourceRange rootRange, List<Step> steps, SourceRange range) implements Expr {
        public Traversal {
            steps = List.copyOf(steps);
        }

        /** A step of a traversal. */
        public sealed interface Step {
            SourceRange range();
        }

        /** {@code .name}. */
        public record GetAttr(String name, SourceRange range) implements Step {
        }

        /** {@code [key]}. */
        public record Index(Expr key, SourceRange range) implements Step {
        }

        /** The source text form, e.g. {@code node.pi-1.address}. */
        public String text() {
            StringBuilder b = new StringBuilder(root);
            for (Step s : steps) {
                if (s instanceof GetAttr g) {
                    b.append('.').append(g.name());
                } else if (s instanceof Index i && literalKey(i.key()) != null) {
                    Object k = literalKey(i.key());
                    b.append('[').append(k instanceof String str ? "\"" + str + "\"" : k).append(']');
                } else {
                    b.append("[...]");
                }
            }
            return b.toString();
        }

        private static Object literalKey(Expr key) {
            if (key instanceof Literal l) {
                return l.value();
            }
            if (key instanceof Template t && t.parts().size() == 1 && t.parts().get(0) instanceof Literal l) {
                return l.value();
            }
            if (key instanceof Template t && t.parts().isEmpty()) {
                return "";
            }
            return null;
        }
    }

    /** {@code name(arg, ...)}. */
    record FunctionCall(String name, SourceRange nameRange, List<Expr> args, SourceRange range) implements Expr {
        public FunctionCall {
            args = List.copyOf(args);
        }
    }
}
