package io.openservicemesh.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Registers gauges and keeps their suppliers alive. Liberty's MicroProfile Metrics holds a gauge's supplier only
 * weakly (as Micrometer does), so a lambda nothing else references is collected and its gauge silently
 * vanishes from the scrape; each owner keeps its suppliers here for as long as it lives.
 */
final class HeldGauges {

  private final MetricRegistry registry;
  private final List<Supplier<? extends Number>> held = new CopyOnWriteArrayList<>();

  HeldGauges(MetricRegistry registry) {
    this.registry = registry;
  }

  <T extends Number> void register(Metadata metadata, Supplier<T> supplier, Tag... tags) {
    held.add(supplier);
    registry.gauge(metadata, supplier, tags);
  }

  /** Drops a gauge, so it can be registered again over a new source. */
  void remove(Metadata metadata) {
    registry.remove(metadata.getName());
  }
}
