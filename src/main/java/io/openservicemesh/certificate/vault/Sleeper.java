package io.openservicemesh.certificate.vault;

import java.time.Duration;

/** Waits between retries; injected so that tests observe the waits instead of sitting through them. */
@FunctionalInterface
interface Sleeper {

  Sleeper REAL = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

  void sleep(Duration duration) throws InterruptedException;
}
