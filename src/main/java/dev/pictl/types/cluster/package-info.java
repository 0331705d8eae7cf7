/**
 * What organises the cluster's own workloads: {@code namespace} (labels, a Pod Security Admission level and a
 * default-deny ingress NetworkPolicy), changed through the server's kubectl.
 */
package dev.pictl.types.cluster;
