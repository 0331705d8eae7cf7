/**
 * Generators of the files derived from {@link dev.pictl.resource.Schemas}, the one definition of every block
 * type: {@code schema/config.schema.json} (JSON Schema of a configuration in HCL's JSON form, for editors and
 * other tools), {@code schema/diagnostics.schema.json} (the shape of {@code pictl validate --json}) and
 * {@code docs/resources.md}. {@link dev.pictl.schema.Generate} writes them; a test fails when the committed
 * copies differ from what the generators produce.
 *
 * <p>Output is deterministic: keys in a fixed order, {@code \n} line ends, a trailing newline.
 *
 * <p>Depends on {@code resource} and Jackson only. Must not depend on {@code config}, {@code cli} or anything
 * that reads a configuration: what it documents must come from the schema definitions, not from a parser.
 */
package dev.pictl.schema;
