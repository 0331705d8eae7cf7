/**
 * The simulated Kubernetes API of a k3s server (Nodes, StorageClasses, PersistentVolumes) and the
 * {@code kubectl} stand-in that talks to it, with the real output formats, error messages and immutability
 * rules; plus the small YAML and JSON codecs it needs.
 *
 * <p>Owned by the simulator. Depends only on the JDK and Jackson (JSON parsing); must not depend on
 * {@code dev.pictl.sim} itself (the simulator reaches in through {@link dev.pictl.sim.kube.KubeApi.Kubelets}),
 * nor on any other pictl package. Never prints.
 */
package dev.pictl.sim.kube;
