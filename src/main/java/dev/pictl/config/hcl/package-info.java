/**
 * A small, strict lexer and recursive-descent parser for the subset of HCL's native syntax that pictl's
 * cluster descriptions use (HashiCorp's {@code hclsyntax/spec.md} is the reference): blocks with labels,
 * attributes, literals, quoted and heredoc templates with {@code ${...}} interpolation, tuples, objects,
 * traversals ({@code node.pi-1}, {@code var.x}), function calls, comments.
 *
 * <p>It keeps every source position and leaves references unevaluated (the graph is built from them), never
 * touches the network, and reports every syntax error it can recover from as a {@link dev.pictl.diag.Diagnostic}
 * pointing at the offending token. Operators, conditionals, {@code for} expressions, splats and template
 * directives are outside the subset and are reported as such. Why not HCL4j: {@code docs/architecture.md}.
 *
 * <p>Depends only on {@code dev.pictl.diag}.
 */
package dev.pictl.config.hcl;
