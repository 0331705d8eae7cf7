/**
 * Helm charts through k3s's own HelmChart custom resource ({@code helm.cattle.io/v1}): the {@code helm_chart} type,
 * its values as one plan attribute per leaf ({@link dev.pictl.types.helm.HelmValues}), the probe of the server's
 * HelmCharts and jobs, and the executor that applies a HelmChart and waits for its {@code helm-install} job
 * (docs/helm-charts.md).
 */
package dev.pictl.types.helm;
