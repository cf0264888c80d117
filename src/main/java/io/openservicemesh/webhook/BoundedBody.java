package io.openservicemesh.webhook;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body into memory only while it stays under a limit. A declared Content-Length over the limit
 * is refused before a byte is read; a body without one (chunked) is counted as it arrives and refused at the
 * first byte past the limit, so a sender cannot make the server hold more than the limit whatever it sends.
 */
final class BoundedBody {

  private BoundedBody() {}

  /**
   * @param declaredLength the Content-Length header as received, or null; a value that is not a number is left
   *     to the count
   */
  static byte[] read(String declaredLength, InputStream body, int limit) throws BodyTooLargeException, IOException {
    Long declared = parseLength(declaredLength);
    if (declared != null && declared > limit) {
      throw new BodyTooLargeException("the request body is " + declared + " bytes (Content-Length), over the limit"
          + " of " + describe(limit) + " for an AdmissionReview; it was not read");
    }
    if (body == null) {
      return new byte[0];
    }
    // One byte past the limit is enough to know the body is too large; nothing beyond it is read.
    byte[] bytes = body.readNBytes(limit + 1);
    if (bytes.length > limit) {
      throw new BodyTooLargeException("the request body exceeds the limit of " + describe(limit)
          + " for an AdmissionReview: reading stopped after " + bytes.length + " bytes");
    }
    return bytes;
  }

  private static String describe(int limit) {
    return limit == AdmissionBodyLimits.MAX_BODY_BYTES ? AdmissionBodyLimits.describeMaxBody() : limit + " bytes";
  }

  private static Long parseLength(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(header.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
