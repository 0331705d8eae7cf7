/** Renderings of engine results for people (text, colour) and machines (JSON). Part of the CLI layer. */
package dev.pictl.cli.view;
