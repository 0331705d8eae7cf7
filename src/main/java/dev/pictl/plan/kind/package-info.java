/**
 * What each resource type means to the planner: its desired attributes in canonical form, what a probe
 * observation says about it, and the type's own rules (a kernel parameter change reboots; a k3s downgrade is
 * refused; a token cannot change on a live server). One class per type.
 */
package dev.pictl.plan.kind;
