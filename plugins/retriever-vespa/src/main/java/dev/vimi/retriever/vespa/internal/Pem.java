package dev.vimi.retriever.vespa.internal;

import dev.vimi.spi.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads PEM certificates and private keys with the JDK alone, and builds the {@link SSLContext} for
 * mTLS. Private keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}, what the Vespa CLI writes), PKCS#1
 * RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}, which must name its
 * curve, as OpenSSL and Go write it). Encrypted keys are refused with a hint. Stateless.
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private Pem() {}

  /** Every certificate in a PEM file, in file order. */
  static List<X509Certificate> certificates(Path file, String key) {
    byte[] bytes = read(file, key);
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new ConfigurationException(
            key + ": " + file + " holds no certificate; expected PEM blocks '-----BEGIN CERTIFICATE-----'");
      }
      return out;
    } catch (CertificateException e) {
      throw new ConfigurationException(
          key + ": " + file + " is not a PEM certificate file (" + e.getMessage() + ")", e);
    }
  }

  /** The private key in a PEM file. */
  static PrivateKey privateKey(Path file, String key) {
    String text = new String(read(file, key), StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      String body = m.group(2);
      if (type.equals("CERTIFICATE")) {
        continue;
      }
      if (type.equals("ENCRYPTED PRIVATE KEY") || body.contains("ENCRYPTED")) {
        throw new ConfigurationException(
            key
                + ": the private key in "
                + file
                + " is encrypted; write it unencrypted (e.g. 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem')"
                + " and protect the file with permissions instead");
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(body.strip());
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(key + ": " + file + " has a damaged PEM block (" + e.getMessage() + ")", e);
      }
      return switch (type) {
        case "PRIVATE KEY" -> pkcs8(der, file, key, "EC", "RSA", "Ed25519", "Ed448", "RSASSA-PSS");
        case "RSA PRIVATE KEY" -> pkcs8(wrap(RSA_OID, new byte[] {0x05, 0x00}, der), file, key, "RSA");
        case "EC PRIVATE KEY" -> pkcs8(wrap(EC_OID, curveOf(der, file, key), der), file, key, "EC");
        default ->
            throw new ConfigurationException(
                key + ": " + file + " holds a PEM block of type '" + type + "', which is not a private key");
      };
    }
    throw new ConfigurationException(
        key + ": " + file + " holds no PEM private key; expected '-----BEGIN PRIVATE KEY-----'");
  }

  /**
   * An SSL context that presents {@code certificate}/{@code privateKey} when both are given and trusts
   * {@code caCertificates} when given (else the JVM's default trust store).
   */
  static SSLContext sslContext(Path certificate, Path privateKey, Path caCertificates) {
    try {
      KeyManagerFactory kmf = null;
      if (certificate != null) {
        List<X509Certificate> chain = certificates(certificate, "tls.certificate");
        PrivateKey key = privateKey(privateKey, "tls.private-key");
        checkPair(chain.get(0), key, certificate, privateKey);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] password = new char[0];
        ks.setKeyEntry("client", key, password, chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
      }
      TrustManagerFactory tmf = null;
      if (caCertificates != null) {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (X509Certificate ca : certificates(caCertificates, "tls.ca-certificates")) {
          ts.setCertificateEntry("ca-" + i++, ca);
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigurationException("cannot build the TLS context from the tls.* files: " + e.getMessage(), e);
    }
  }

  /** Fails unless the key signs what the certificate's public key verifies. */
  private static void checkPair(X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
    PublicKey pub = cert.getPublicKey();
    String alg =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "RSASSA-PSS" -> null;
          default -> key.getAlgorithm();
        };
    if (alg == null) {
      return;
    }
    try {
      byte[] probe = "vimi tls key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      if (v.verify(sig)) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // a key of another algorithm than the certificate's lands here as well
    }
    throw new ConfigurationException(
        "tls.private-key "
            + keyFile
            + " does not belong to tls.certificate "
            + certFile
            + " ("
            + cert.getSubjectX500Principal().getName()
            + "); give the key that was generated with this certificate");
  }

  private static PrivateKey pkcs8(byte[] der, Path file, String key, String... algorithms) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : algorithms) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // try the next algorithm
      }
    }
    throw new ConfigurationException(
        key + ": the private key in " + file + " could not be read as " + String.join(", ", algorithms) + " key");
  }

  /** The curve OID (a complete DER TLV) inside a SEC1 ECPrivateKey: {@code [0] parameters}. */
  private static byte[] curveOf(byte[] sec1, Path file, String key) {
    Der seq = Der.read(sec1, 0, file, key);
    int pos = seq.contentStart;
    while (pos < seq.end) {
      Der item = Der.read(sec1, pos, file, key);
      if ((item.tag & 0xff) == 0xa0) {
        Der oid = Der.read(sec1, item.contentStart, file, key);
        if (oid.tag == 0x06) {
          return java.util.Arrays.copyOfRange(sec1, item.contentStart, oid.end);
        }
      }
      pos = item.end;
    }
    throw new ConfigurationException(
        key
            + ": the EC private key in "
            + file
            + " does not name its curve; convert it to PKCS#8 ('openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem')");
  }

  /** PrivateKeyInfo { version 0, AlgorithmIdentifier { oid, params }, OCTET STRING inner }. */
  private static byte[] wrap(byte[] algorithmOid, byte[] params, byte[] inner) {
    ByteArrayOutputStream alg = new ByteArrayOutputStream();
    alg.writeBytes(algorithmOid);
    alg.writeBytes(params);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(tlv(0x30, alg.toByteArray()));
    body.writeBytes(tlv(0x04, inner));
    return tlv(0x30, body.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((n >>> (8 * i)) & 0xff);
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] read(Path file, String key) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigurationException(key + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** One DER element: tag, where its content starts, where it ends. */
  private record Der(int tag, int contentStart, int end) {
    static Der read(byte[] b, int pos, Path file, String key) {
      try {
        int tag = b[pos] & 0xff;
        int len = b[pos + 1] & 0xff;
        int start = pos + 2;
        if (len >= 0x80) {
          int n = len & 0x7f;
          if (n == 0 || n > 4) {
            throw new IndexOutOfBoundsException("length of " + n + " bytes");
          }
          len = 0;
          for (int i = 0; i < n; i++) {
            len = (len << 8) | (b[start + i] & 0xff);
          }
          start += n;
        }
        if (len < 0 || start + len > b.length) {
          throw new IndexOutOfBoundsException("element runs past the end");
        }
        return new Der(tag, start, start + len);
      } catch (IndexOutOfBoundsException e) {
        throw new ConfigurationException(key + ": the private key in " + file + " is not valid DER (" + e.getMessage() + ")", e);
      }
    }
  }
}
