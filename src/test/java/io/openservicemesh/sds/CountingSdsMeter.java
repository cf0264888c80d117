package io.openservicemesh.sds;

import java.util.ArrayList;
import java.util.List;

/** An {@link SdsMeter} that writes down what it is told, in order. */
final class CountingSdsMeter implements SdsMeter {

  final List<String> told = new ArrayList<>();

  @Override
  public synchronized void pushed(PushCause cause, int streams) {
    told.add("pushed " + cause + " " + streams);
  }

  @Override
  public synchronized void acked() {
    told.add("ack");
  }

  @Override
  public synchronized void nacked() {
    told.add("nack");
  }

  @Override
  public synchronized void streamReleased() {
    told.add("released");
  }

  @Override
  public synchronized void identitiesReleased(int identities) {
    told.add("identities released " + identities);
  }
}
