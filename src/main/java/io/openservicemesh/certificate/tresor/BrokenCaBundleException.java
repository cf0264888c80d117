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
        + ". Fix it or restore it from a backup. Deleting it makes a new root only where no mesh exists yet;"
        + " over an existing mesh that would cut off every running proxy, so the control plane refuses unless"
        + " its webhook configuration is deleted too, and every meshed pod must then be restarted.");
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
