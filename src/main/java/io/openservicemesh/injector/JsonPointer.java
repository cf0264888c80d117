package io.openservicemesh.injector;

/** RFC 6901 JSON pointers, with the escaping that label and annotation keys containing '/' need. */
final class JsonPointer {

  private JsonPointer() {}

  /** One reference token: '~' becomes "~0" and '/' becomes "~1", in that order (RFC 6901, section 3). */
  static String escape(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  static String of(String... tokens) {
    StringBuilder pointer = new StringBuilder();
    for (String token : tokens) {
      pointer.append('/').append(escape(token));
    }
    return pointer.toString();
  }
}
