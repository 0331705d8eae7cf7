package dev.pictl.config.hcl;

/** A parsed file: its name as shown in messages, its text (for source snippets) and its body. */
public record HclFile(String name, String text, Body body) {
}
