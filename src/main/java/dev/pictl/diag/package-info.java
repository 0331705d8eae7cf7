/**
 * Diagnostics: a user's mistake as data (severity, summary, detail, source range), collected so that one
 * run reports every problem, plus the plain-text renderer that shows the offending source line.
 *
 * <p>Depends on nothing else in pictl. Never prints: renderers return strings and the CLI writes them.
 */
package dev.pictl.diag;
