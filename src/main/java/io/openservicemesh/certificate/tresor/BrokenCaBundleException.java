package io.openservicemesh.certificate.tresor;

import java.util.List;

/**
 * A stored CA bundle that cannot be used. The message names the store, every problem found, and the way
 * out; the bundle itself is left untouched for the operator to inspect.
 */
public class BrokenCaBundleException extends Exception {

  private final List<String> problems;

  public BrokenCaBundleException(String location, List<String> problems) {
    super("the CA bundle in " + location + " is unusable: " + String.join("; ", problems)
        + ". Fix it, or delete it to have a new root CA made (every mesh certificate is then reissued).");
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
