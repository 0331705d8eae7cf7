/** A resource type defined in test sources only, to show that a type is one package and one registry line. */
package dev.pictl.types.motd;
