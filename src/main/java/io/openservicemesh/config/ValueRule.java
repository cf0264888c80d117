package io.openservicemesh.config;

/** Turns a setting's trimmed, non-empty text into its typed value, or refuses it. */
@FunctionalInterface
interface ValueRule<T> {

  T apply(String value) throws RejectedValueException;
}
