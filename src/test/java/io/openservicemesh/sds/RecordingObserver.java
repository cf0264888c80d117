package io.openservicemesh.sds;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client side of a stream as the server sees it: records every response and how the stream ended. It
 * also records how many threads were inside {@link #onNext} at once, because gRPC's observers are not
 * thread-safe and a stream must never write from two threads at the same time.
 */
final class RecordingObserver<R> implements StreamObserver<R> {

  private final List<R> responses = new ArrayList<>();
  private final List<Throwable> errors = new ArrayList<>();
  private final AtomicInteger inside = new AtomicInteger();
  private final AtomicInteger mostInsideAtOnce = new AtomicInteger();
  private int completions;
  private RuntimeException failWritesWith;

  @Override
  public void onNext(R response) {
    int now = inside.incrementAndGet();
    mostInsideAtOnce.accumulateAndGet(now, Math::max);
    try {
      // Gives a second writer, if the stream let one in, the chance to arrive while this one is inside.
      Thread.yield();
      synchronized (this) {
        if (failWritesWith != null) {
          throw failWritesWith;
        }
        responses.add(response);
      }
    } finally {
      inside.decrementAndGet();
    }
  }

  @Override
  public synchronized void onError(Throwable error) {
    errors.add(error);
  }

  @Override
  public synchronized void onCompleted() {
    completions++;
  }

  /** From now on every write throws, as gRPC does once the client has gone. */
  synchronized void clientGoneWith(RuntimeException failure) {
    failWritesWith = failure;
  }

  synchronized List<R> responses() {
    return List.copyOf(responses);
  }

  synchronized R last() {
    if (responses.isEmpty()) {
      throw new AssertionError("no response was sent");
    }
    return responses.get(responses.size() - 1);
  }

  synchronized int responseCount() {
    return responses.size();
  }

  synchronized List<Throwable> errors() {
    return List.copyOf(errors);
  }

  /** The status of the one error the stream ended with; fails when there was not exactly one. */
  synchronized Status closedWith() {
    if (errors.size() != 1) {
      throw new AssertionError("expected the stream to end with one error, got " + errors);
    }
    return Status.fromThrowable(errors.get(0));
  }

  synchronized int completions() {
    return completions;
  }

  int mostWritersAtOnce() {
    return mostInsideAtOnce.get();
  }
}
