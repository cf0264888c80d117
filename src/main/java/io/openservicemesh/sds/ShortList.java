package io.openservicemesh.sds;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * An answer an operator can read: the first few entries in full, then how many more. Entries past the first
 * few are only counted, so their text is never built.
 */
final class ShortList {

  static final int SHOWN = 5;

  private final String noun;
  private final List<String> shown = new ArrayList<>(SHOWN);
  private int more;

  /** @param noun what the entries are, plural, for the overflow line ("SDS streams") */
  ShortList(String noun) {
    this.noun = noun;
  }

  void add(Supplier<String> entry) {
    if (shown.size() < SHOWN) {
      shown.add(entry.get());
    } else {
      more++;
    }
  }

  List<String> lines() {
    if (more == 0) {
      return List.copyOf(shown);
    }
    List<String> lines = new ArrayList<>(shown);
    lines.add("and " + more + " more " + noun);
    return List.copyOf(lines);
  }
}
