/**
 * {@code pictl diagnose}: why a node is NotReady. {@link dev.pictl.diagnose.DiagnoseScript} is the one on-demand
 * script per node (apart from the everyday plan probe), {@link dev.pictl.diagnose.Gatherer} runs it on many nodes in
 * parallel, {@link dev.pictl.diagnose.Signatures} knows k3s's journal lines, and {@link dev.pictl.diagnose.Diagnoser}
 * ranks what was found into a {@link dev.pictl.diagnose.DiagnoseReport} (the root cause first, with its chain), whose
 * JSON is {@link dev.pictl.diagnose.DiagnoseCodec} ({@code schema/diagnose.schema.json}). Read-only by construction.
 *
 * <p>Depends on {@code transport} (to run the script) and {@code probe} (the get_throttled decoding). Never prints.
 */
package dev.pictl.diagnose;
