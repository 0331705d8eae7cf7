package dev.pictl.config;

import dev.pictl.config.hcl.Expr;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.diag.Suggest;
import dev.pictl.io.BoundedFiles;
import dev.pictl.resource.Value;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The functions a configuration may call. Deliberately few and pure: no network, and {@code file()} reads only
 * local files relative to the configuration's directory. An unknown function is an error, never a null.
 */
public final class Functions {
    /** Name → one-line signature, for docs and "did you mean". */
    static final Map<String, String> SIGNATURES = new TreeMap<>(Map.of(
            "lower", "lower(string) - the string in lower case",
            "upper", "upper(string) - the string in upper case",
            "trimspace", "trimspace(string) - the string without leading and trailing white space",
            "join", "join(separator, list) - the list's strings joined with the separator",
            "concat", "concat(list, ...) - the lists one after another",
            "format", "format(spec, values...) - printf-style: %s, %d and %%",
            "file", "file(path) - the text of a local file, relative to the configuration directory",
            "length", "length(list, map or string) - number of items or characters",
            "tostring", "tostring(value) - a string, number or bool as a string"));

    private final Path baseDir;

    /** The names of the functions a configuration may call, sorted. */
    public static java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(SIGNATURES.keySet());
    }

    Functions(Path baseDir) {
        this.baseDir = baseDir;
    }

    Value call(Expr.FunctionCall f, List<Value> args, Diagnostics diags) {
        String name = f.name();
        SourceRange at = f.range();
        if (!SIGNATURES.containsKey(name)) {
            diags.error(f.nameRange(), "unknown function \"" + name + "\"" + Suggest.didYouMean(name, SIGNATURES.keySet()),
                    "pictl provides: " + String.join(", ", SIGNATURES.keySet()) + ".");
            return new Value.Unknown("unknown function", at, false);
        }
        boolean sensitive = args.stream().anyMatch(Value::holdsSensitive);
        if (args.stream().anyMatch(a -> a instanceof Value.Unknown)) {
            return new Value.Unknown("depends on an unknown value", at, sensitive);
        }
        int arity = switch (name) {
            case "lower", "upper", "trimspace", "file", "length", "tostring" -> 1;
            case "join" -> 2;
            default -> -1;
        };
        if (arity >= 0 && args.size() != arity) {
            return bad(diags, f, sensitive, "takes " + arity + " argument" + (arity == 1 ? "" : "s") + ", got " + args.size());
        }
        if (name.equals("format") && args.isEmpty()) {
            return bad(diags, f, sensitive, "needs at least a format string");
        }
        switch (name) {
            case "lower", "upper", "trimspace" -> {
                String s = stringArg(args.get(0), f, diags);
                if (s == null) {
                    return unknown(at, sensitive);
                }
                String r = name.equals("lower") ? s.toLowerCase(Locale.ROOT)
                        : name.equals("upper") ? s.toUpperCase(Locale.ROOT) : s.strip();
                return new Value.Str(r, at, sensitive);
            }
            case "tostring" -> {
                String s = stringArg(args.get(0), f, diags);
                return s == null ? unknown(at, sensitive) : new Value.Str(s, at, sensitive);
            }
            case "join" -> {
                String sep = stringArg(args.get(0), f, diags);
                if (sep == null || !(args.get(1) instanceof Value.ListVal l)) {
                    if (sep != null) {
                        bad(diags, f, sensitive, "needs a list as its second argument");
                    }
                    return unknown(at, sensitive);
                }
                List<String> parts = new ArrayList<>();
                for (Value v : l.items()) {
                    String s = stringArg(v, f, diags);
                    if (s == null) {
                        return unknown(at, sensitive);
                    }
                    parts.add(s);
                }
                return new Value.Str(String.join(sep, parts), at, sensitive);
            }
            case "concat" -> {
                List<Value> out = new ArrayList<>();
                for (Value v : args) {
                    if (!(v instanceof Value.ListVal l)) {
                        return bad(diags, f, sensitive, "takes lists only, got a " + v.typeName());
                    }
                    out.addAll(l.items());
                }
                return new Value.ListVal(out, at, sensitive);
            }
            case "length" -> {
                Value v = args.get(0);
                int n;
                if (v instanceof Value.ListVal l) {
                    n = l.items().size();
                } else if (v instanceof Value.MapVal m) {
                    n = m.entries().size();
                } else if (v instanceof Value.Str s) {
                    n = s.value().codePointCount(0, s.value().length());
                } else {
                    return bad(diags, f, sensitive, "takes a list, map or string, got a " + v.typeName());
                }
                return new Value.Num(BigDecimal.valueOf(n), at, sensitive);
            }
            case "format" -> {
                return format(f, args, diags, sensitive);
            }
            case "file" -> {
                String p = stringArg(args.get(0), f, diags);
                if (p == null) {
                    return unknown(at, sensitive);
                }
                Path path = baseDir.resolve(p.startsWith("~/") ? System.getProperty("user.home") + p.substring(1) : p);
                try {
                    return new Value.Str(BoundedFiles.readString(path, BoundedFiles.Kind.CONFIG), at, sensitive);
                } catch (IOException | RuntimeException e) {
                    if (sensitive) {
                        // The path is a secret: neither it nor the I/O message (which holds it) is shown.
                        diags.error(f.args().get(0).range(), "cannot read file (sensitive value)",
                                "file() could not read it. Check the path; relative paths start at " + baseDir + ".");
                        return unknown(at, true);
                    }
                    String why = e instanceof IOException io ? BoundedFiles.reason(io) : e.getMessage();
                    diags.error(f.args().get(0).range(), "cannot read file \"" + p + "\"",
                            "file() reads " + path + ": " + why + ". Check the path; relative paths start at "
                                    + baseDir + ".");
                    return unknown(at, sensitive);
                }
            }
            default -> throw new IllegalStateException(name);
        }
    }

    private Value format(Expr.FunctionCall f, List<Value> args, Diagnostics diags, boolean sensitive) {
        String spec = stringArg(args.get(0), f, diags);
        if (spec == null) {
            return unknown(f.range(), sensitive);
        }
        StringBuilder out = new StringBuilder();
        int next = 1;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            char verb = i + 1 < spec.length() ? spec.charAt(++i) : 0;
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (verb != 's' && verb != 'd') {
                return bad(diags, f, sensitive, "supports %s, %d and %% only");
            }
            if (next >= args.size()) {
                return bad(diags, f, sensitive, "has more verbs than values");
            }
            Value v = args.get(next++);
            if (verb == 'd') {
                if (!(v instanceof Value.Num n) || n.value().stripTrailingZeros().scale() > 0) {
                    return bad(diags, f, sensitive, "%d needs a whole number, got a " + v.typeName());
                }
                out.append(n.value().toBigInteger());
            } else {
                String s = stringArg(v, f, diags);
                if (s == null) {
                    return unknown(f.range(), sensitive);
                }
                out.append(s);
            }
        }
        if (next != args.size()) {
            return bad(diags, f, sensitive, "has more values than verbs");
        }
        return new Value.Str(out.toString(), f.range(), sensitive);
    }

    private static String stringArg(Value v, Expr.FunctionCall f, Diagnostics diags) {
        String s = asString(v);
        if (s == null) {
            diags.error(v.range(), f.name() + "() needs a string here, got a " + v.typeName(),
                    SIGNATURES.get(f.name()) + ".");
        }
        return s;
    }

    private static Value bad(Diagnostics diags, Expr.FunctionCall f, boolean sensitive, String problem) {
        diags.error(f.range(), f.name() + "() " + problem, "Usage: " + SIGNATURES.get(f.name()) + ".");
        return new Value.Unknown("invalid call", f.range(), sensitive);
    }

    private static Value unknown(SourceRange at, boolean sensitive) {
        return new Value.Unknown("invalid call", at, sensitive);
    }

    /** A scalar as text (numbers without a trailing ".0"), or null for non-scalars. */
    static String asString(Value v) {
        if (v instanceof Value.Str s) {
            return s.value();
        } else if (v instanceof Value.Num n) {
            return n.value().stripTrailingZeros().scale() <= 0 ? n.value().toBigInteger().toString()
                    : n.value().stripTrailingZeros().toPlainString();
        } else if (v instanceof Value.Bool b) {
            return Boolean.toString(b.value());
        }
        return null;
    }
}
