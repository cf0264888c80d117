package io.openservicemesh.certificate;

import io.openservicemesh.certificate.Pem.PemException;
import io.openservicemesh.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/** Reads a PEM file of CA certificates a setting names, with a message that names the setting and the fix. */
public final class CaCertificateFile {

  private CaCertificateFile() {}

  /** @throws IOException naming the setting, the file and what is wrong with it */
  public static List<X509Certificate> read(Setting setting, Path file) throws IOException {
    String pem;
    try {
      pem = Files.readString(file);
    } catch (IOException e) {
      throw new IOException(setting.key() + " " + file + " cannot be read (" + e.getMessage() + "): mount the"
          + " PEM file of the CA certificates there, or unset the setting", e);
    }
    try {
      return Pem.decodeCertificates(pem);
    } catch (PemException e) {
      throw new IOException(setting.key() + " " + file + " must hold PEM CA certificates: " + e.getMessage(), e);
    }
  }
}
