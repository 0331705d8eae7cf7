/**
 * The command line (picocli): binds options, builds request records, calls {@link dev.pictl.engine.Pictl} and
 * hands results to a view ({@code cli.view}). The only package that prints, and the one place exit codes are
 * decided: 0 success, 1 error (usage errors included, never picocli's default 2), 2 only for "changes present"
 * ({@code plan --detailed-exitcode}) and drift. Nothing imports this package.
 */
package dev.pictl.cli;
