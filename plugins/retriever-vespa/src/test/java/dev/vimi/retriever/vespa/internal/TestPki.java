package dev.vimi.retriever.vespa.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Self-signed certificates for the TLS tests, made with the JDK's {@code keytool} in a temporary
 * folder: a server certificate for {@code localhost}/{@code 127.0.0.1} and client certificates, each
 * also written as PEM (certificate, and private key as PKCS#8).
 */
final class TestPki {
  static final char[] PASSWORD = "changeit".toCharArray();

  /** One identity: its keystore and its PEM files. */
  record Identity(KeyStore keyStore, X509Certificate certificate, PrivateKey key, Path certPem, Path keyPem) {}

  private TestPki() {}

  static Identity create(Path dir, String alias, String dname, String keyalg, String san) throws Exception {
    Path store = dir.resolve(alias + ".p12");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias", alias,
                "-keyalg", keyalg,
                "-dname", dname,
                "-validity", "3",
                "-storetype", "PKCS12",
                "-keystore", store.toString(),
                "-storepass", new String(PASSWORD),
                "-keypass", new String(PASSWORD)));
    if (keyalg.equals("EC")) {
      cmd.addAll(List.of("-groupname", "secp256r1"));
    } else {
      cmd.addAll(List.of("-keysize", "2048"));
    }
    if (san != null) {
      cmd.addAll(List.of("-ext", "san=" + san));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (p.waitFor() != 0) {
      throw new IOException("keytool failed: " + out);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD);
    }
    X509Certificate cert = (X509Certificate) ks.getCertificate(alias);
    PrivateKey key = (PrivateKey) ks.getKey(alias, PASSWORD);
    Path certPem = dir.resolve(alias + "-cert.pem");
    Path keyPem = dir.resolve(alias + "-key.pem");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
    return new Identity(ks, cert, key, certPem, keyPem);
  }

  /** A trust store holding the given certificates. */
  static KeyStore trustStore(X509Certificate... certs) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    for (int i = 0; i < certs.length; i++) {
      ts.setCertificateEntry("trusted-" + i, certs[i]);
    }
    return ts;
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  // --- minimal DER, to derive PKCS#1 and SEC1 keys from the PKCS#8 ones keytool makes

  /** The content of the OCTET STRING inside a PKCS#8 PrivateKeyInfo: PKCS#1 for RSA, SEC1 for EC. */
  static byte[] innerKey(byte[] pkcs8) {
    int[] seq = header(pkcs8, 0);
    int pos = seq[0];
    pos = end(pkcs8, pos); // version
    pos = end(pkcs8, pos); // algorithm identifier
    int[] octets = header(pkcs8, pos);
    return Arrays.copyOfRange(pkcs8, octets[0], octets[0] + octets[1]);
  }

  /** A SEC1 ECPrivateKey with the {@code [0]} curve parameter (OID of prime256v1) added. */
  static byte[] withCurve(byte[] sec1) {
    int[] seq = header(sec1, 0);
    byte[] body = Arrays.copyOfRange(sec1, seq[0], seq[0] + seq[1]);
    // keep version and private key, drop any [0]/[1] the JDK wrote, then add [0] prime256v1
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    int pos = 0;
    for (int i = 0; i < 2; i++) {
      int e = end(body, pos);
      kept.write(body, pos, e - pos);
      pos = e;
    }
    byte[] oid = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
    kept.write(0xa0);
    kept.write(oid.length);
    kept.writeBytes(oid);
    return tlv(0x30, kept.toByteArray());
  }

  /** {@code sec1} with every {@code [0]} parameter removed, as the JDK itself encodes it. */
  static byte[] withoutCurve(byte[] sec1) {
    int[] seq = header(sec1, 0);
    byte[] body = Arrays.copyOfRange(sec1, seq[0], seq[0] + seq[1]);
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < body.length) {
      int e = end(body, pos);
      if ((body[pos] & 0xff) != 0xa0) {
        kept.write(body, pos, e - pos);
      }
      pos = e;
    }
    return tlv(0x30, kept.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (content.length < 0x80) {
      out.write(content.length);
    } else if (content.length < 0x100) {
      out.write(0x81);
      out.write(content.length);
    } else {
      out.write(0x82);
      out.write(content.length >> 8);
      out.write(content.length & 0xff);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** {content start, content length} of the element at {@code pos}. */
  private static int[] header(byte[] b, int pos) {
    int len = b[pos + 1] & 0xff;
    int start = pos + 2;
    if (len >= 0x80) {
      int n = len & 0x7f;
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (b[start + i] & 0xff);
      }
      start += n;
    }
    return new int[] {start, len};
  }

  private static int end(byte[] b, int pos) {
    int[] h = header(b, pos);
    return h[0] + h[1];
  }
}
