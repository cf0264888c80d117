package io.openservicemesh.bootstrap;

/**
 * The pod a bootstrap Secret belongs to, as an ownerReference names it: once set, Kubernetes' garbage collector
 * deletes the Secret with the pod. The uid makes it this pod, not a later one of the same name.
 */
public record PodOwner(String name, String uid) {}
