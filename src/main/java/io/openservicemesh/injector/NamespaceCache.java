package io.openservicemesh.injector;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Namespaces' labels and annotations, read from the API and kept for a short time. A burst of pods in one
 * namespace (a Deployment scaling to 100) costs one read, not 100; a changed label or annotation applies within
 * the time-to-live.
 * Concurrent callers for one namespace share one read (single flight), including its failure, which is not
 * cached.
 */
public final class NamespaceCache {

  /** Reads a namespace; an absent one is {@link NamespaceFacts#ABSENT}. */
  @FunctionalInterface
  public interface Source {
    NamespaceFacts read(String namespace) throws InjectionException;
  }

  /** Enough namespaces for any cluster; past it the cache starts afresh rather than grow without bound. */
  static final int MAX_ENTRIES = 10_000;

  private record Entry(CompletableFuture<NamespaceFacts> facts, Instant readAt) {}

  private final Source source;
  private final Clock clock;
  private final Duration timeToLive;
  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

  public NamespaceCache(Source source, Clock clock, Duration timeToLive) {
    this.source = source;
    this.clock = clock;
    this.timeToLive = timeToLive;
  }

  public NamespaceFacts get(String namespace) throws InjectionException {
    while (true) {
      Instant now = clock.instant();
      Entry current = entries.get(namespace);
      if (current != null && (!current.facts().isDone() || now.isBefore(current.readAt().plus(timeToLive)))) {
        return await(current);
      }
      if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
      Entry mine = new Entry(new CompletableFuture<>(), now);
      boolean won = current == null ? entries.putIfAbsent(namespace, mine) == null
          : entries.replace(namespace, current, mine);
      if (won) {
        try {
          NamespaceFacts read = source.read(namespace);
          mine.facts().complete(read);
          return read;
        } catch (InjectionException | RuntimeException e) {
          entries.remove(namespace, mine);
          mine.facts().completeExceptionally(e);
          throw e;
        }
      }
    }
  }

  private static NamespaceFacts await(Entry entry) throws InjectionException {
    try {
      return entry.facts().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof InjectionException injection) {
        throw new InjectionException(injection.getMessage());
      }
      throw e;
    }
  }
}
