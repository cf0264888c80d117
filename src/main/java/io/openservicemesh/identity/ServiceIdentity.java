package io.openservicemesh.identity;

import java.util.regex.Pattern;

/**
 * A mesh identity: a Kubernetes service account in a namespace. Its certificate's common name is
 * {@code <sa>.<ns>.<trust-domain>}; because service account names may contain dots, the SPIFFE URI
 * {@code spiffe://<trust-domain>/ns/<ns>/sa/<sa>} is the unambiguous form.
 */
public record ServiceIdentity(String serviceAccount, String namespace) {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  public ServiceIdentity {
    if (serviceAccount == null || !DNS_SUBDOMAIN.matcher(serviceAccount).matches()) {
      throw new IllegalArgumentException(
          "service account name must be a DNS subdomain (lowercase alphanumerics, '-' and '.'), got \""
              + serviceAccount + "\"");
    }
    if (namespace == null || !DNS_LABEL.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "namespace must be a DNS label (lowercase alphanumerics and '-', at most 63), got \"" + namespace + "\"");
    }
  }

  public String commonName(String trustDomain) {
    return serviceAccount + "." + namespace + "." + trustDomain;
  }

  public String spiffeId(String trustDomain) {
    return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  /** {@code <ns>/<sa>}, the form SDS secret names use. */
  @Override
  public String toString() {
    return namespace + "/" + serviceAccount;
  }
}
