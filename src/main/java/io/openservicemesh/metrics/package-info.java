/**
 * The control plane's Prometheus metrics, on MicroProfile Metrics (served by Liberty at {@code /metrics}). Each
 * class here implements one narrow meter interface that a lower package defines for itself (the cache's
 * {@code IssuanceMeter}, SDS's {@code SdsMeter}, the webhooks' {@code AdmissionMeter}, the backends' meters) or
 * reads a narrow view as gauges, so no other package depends on the MicroProfile Metrics API. Every metric is
 * listed with its labels in docs/metrics.md.
 */
package io.openservicemesh.metrics;
