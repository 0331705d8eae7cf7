/**
 * {@code manifest}: Kubernetes objects from YAML (a file or inline), server-side applied through the k3s server under
 * pictl's own field manager, compared field by field with the live objects, and pruned only when pictl's mark says
 * pictl created them ({@code docs/manifests.md}). Reads YAML with Jackson's YAML module (this package and
 * {@code kubeconfig} only); reaches the cluster through {@code apply.Kubectl} and its own probe fragment.
 */
package dev.pictl.types.manifest;
