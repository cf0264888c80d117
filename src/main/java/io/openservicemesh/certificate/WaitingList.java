package io.openservicemesh.certificate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a root rotation waits for, kept short for a log line and a readiness entry: the first few entries in full,
 * then how many more. Entries past the first few are only counted, so their text is never built: a walk over
 * 10,000 SDS streams costs no 10,000 strings.
 */
public final class WaitingList {

  public static final int LISTED = 5;

  private final String noun;
  private final List<String> listed = new ArrayList<>(LISTED);
  private int more;

  /** @param noun what the entries are, plural, for the tail: "and 3 more SDS streams" */
  public WaitingList(String noun) {
    this.noun = noun;
  }

  /** A list already made, shortened the same way. */
  public static List<String> of(List<String> all, String noun) {
    WaitingList waiting = new WaitingList(noun);
    all.forEach(entry -> waiting.add(() -> entry));
    return waiting.lines();
  }

  public void add(Supplier<String> entry) {
    if (listed.size() < LISTED) {
      listed.add(entry.get());
    } else {
      more++;
    }
  }

  public List<String> lines() {
    if (more == 0) {
      return List.copyOf(listed);
    }
    List<String> lines = new ArrayList<>(listed);
    lines.add("and " + more + " more " + noun);
    return List.copyOf(lines);
  }
}
