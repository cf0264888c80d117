package io.openservicemesh.certificate;

/**
 * CDI event fired when the roots the mesh trusts changed (an external CA rotated or added a root, an operator
 * added one to the CA bundle): everyone who hands the roots out (SDS validation contexts, the SDS endpoint's
 * trust store, the webhook configurations' caBundle) brings them along now rather than at a periodic check.
 *
 * @param previousPem the bundle before, as {@link TrustBundle#pem()} answered it
 * @param currentPem the bundle now
 */
public record TrustBundleChanged(String previousPem, String currentPem) {}
