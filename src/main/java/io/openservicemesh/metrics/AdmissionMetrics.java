package io.openservicemesh.metrics;

import io.openservicemesh.webhook.AdmissionMeter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/** The admission webhooks: requests by webhook and outcome, and how long answering took. */
@ApplicationScoped
public class AdmissionMetrics implements AdmissionMeter {

  /** The webhooks this control plane serves, as {@link AdmissionMeter#answered} names them. */
  static final List<String> WEBHOOKS = List.of("injector", "validator");

  static final Metadata REQUESTS = Metadata.builder().withName("osm_admission_requests")
      .withDescription("Admission requests answered, by webhook and outcome").build();
  static final Metadata DURATION = Metadata.builder().withName("osm_admission_request_duration")
      .withDescription("Time from receiving an admission request to its answer, by webhook").build();

  @Inject MetricRegistry registry;

  void register(@Observes Startup started) {
    for (String webhook : WEBHOOKS) {
      for (Outcome outcome : Outcome.values()) {
        registry.counter(REQUESTS, webhook(webhook), outcome(outcome));
      }
      registry.timer(DURATION, webhook(webhook));
    }
  }

  @Override
  public void answered(String webhook, Outcome outcome, Duration took) {
    registry.counter(REQUESTS, webhook(webhook), outcome(outcome)).inc();
    registry.timer(DURATION, webhook(webhook)).update(took);
  }

  private static Tag webhook(String name) {
    return new Tag("webhook", name);
  }

  private static Tag outcome(Outcome outcome) {
    return new Tag("outcome", outcome.name().toLowerCase(Locale.ROOT));
  }
}
