/**
 * Resource addresses: {@code node.pi-1}, {@code kernel_params.cgroups["pi-worker-1"]}, as users write them on
 * the command line ({@code --target}) and read them in plans and state. Depends on nothing else in pictl.
 */
package dev.pictl.addr;
