package io.openservicemesh.certificate;

import java.util.ArrayList;
import java.util.List;

/** What a root rotation waits for, kept short for a log line and a readiness entry: a few, then a count. */
public final class WaitingList {

  public static final int LISTED = 5;

  private WaitingList() {}

  /** @param what the plural of what is counted in the tail, e.g. "bootstrap Secrets" */
  public static List<String> of(List<String> all, String what) {
    if (all.size() <= LISTED) {
      return List.copyOf(all);
    }
    List<String> head = new ArrayList<>(all.subList(0, LISTED));
    head.add("and " + (all.size() - LISTED) + " more " + what);
    return List.copyOf(head);
  }
}
