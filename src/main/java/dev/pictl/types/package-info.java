/**
 * Resource types: the {@link dev.pictl.types.ResourceType} interface and the registry
 * ({@link dev.pictl.types.ResourceTypes}). Each family of types has its own package below, which holds everything
 * that is the type's own: schema, rules, planner view, executor.
 */
package dev.pictl.types;
