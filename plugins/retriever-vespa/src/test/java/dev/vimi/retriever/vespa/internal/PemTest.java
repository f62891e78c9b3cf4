package dev.vimi.retriever.vespa.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM certificates and keys in the formats the Vespa CLI, OpenSSL and Go write. */
class PemTest {
  @TempDir static Path dir;
  static TestPki.Identity ec;
  static TestPki.Identity rsa;

  @BeforeAll
  static void keys() throws Exception {
    ec = TestPki.create(dir, "ec", "CN=ec-client", "EC", null);
    rsa = TestPki.create(dir, "rsa", "CN=rsa-client", "RSA", null);
  }

  private static Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void readsPkcs8KeysAndCertificates() {
    assertThat(Pem.privateKey(ec.keyPem(), "k").getEncoded()).isEqualTo(ec.key().getEncoded());
    assertThat(Pem.privateKey(rsa.keyPem(), "k").getEncoded()).isEqualTo(rsa.key().getEncoded());
    assertThat(Pem.certificates(ec.certPem(), "c")).containsExactly(ec.certificate());
  }

  @Test
  void readsRsaPkcs1Keys() throws Exception {
    byte[] pkcs1 = TestPki.innerKey(rsa.key().getEncoded());
    Path file = write("rsa-pkcs1.pem", TestPki.pem("RSA PRIVATE KEY", pkcs1));
    PrivateKey key = Pem.privateKey(file, "tls.private-key");
    assertThat(key.getAlgorithm()).isEqualTo("RSA");
    assertThat(key.getEncoded()).isEqualTo(rsa.key().getEncoded());
  }

  @Test
  void readsSec1EcKeysThatNameTheirCurve() throws Exception {
    byte[] sec1 = TestPki.withCurve(TestPki.innerKey(ec.key().getEncoded()));
    Path file = write("ec-sec1.pem", TestPki.pem("EC PRIVATE KEY", sec1));
    PrivateKey key = Pem.privateKey(file, "tls.private-key");
    assertThat(key.getAlgorithm()).isEqualTo("EC");
    assertThat(((java.security.interfaces.ECPrivateKey) key).getS())
        .isEqualTo(((java.security.interfaces.ECPrivateKey) ec.key()).getS());
    // and it works as the client key of a TLS context
    SSLContext ctx = Pem.sslContext(ec.certPem(), file, null);
    assertThat(ctx.getProtocol()).isEqualTo("TLS");
  }

  @Test
  void refusesSec1KeysWithoutCurve() throws Exception {
    byte[] sec1 = TestPki.withoutCurve(TestPki.innerKey(ec.key().getEncoded()));
    Path file = write("ec-nocurve.pem", TestPki.pem("EC PRIVATE KEY", sec1));
    assertThatThrownBy(() -> Pem.privateKey(file, "tls.private-key"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("does not name its curve")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void refusesEncryptedKeys() throws Exception {
    Path file = write("enc.pem", TestPki.pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x00}));
    assertThatThrownBy(() -> Pem.privateKey(file, "tls.private-key"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is encrypted");
  }

  @Test
  void refusesAKeyThatDoesNotBelongToTheCertificate() {
    assertThatThrownBy(() -> Pem.sslContext(ec.certPem(), rsa.keyPem(), null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("does not belong to tls.certificate")
        .hasMessageContaining("CN=ec-client");
  }

  @Test
  void refusesFilesThatAreNotPem() throws Exception {
    Path junk = write("junk.pem", "hello, I am not a certificate\n");
    assertThatThrownBy(() -> Pem.certificates(junk, "tls.certificate"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("tls.certificate: " + junk);
    assertThatThrownBy(() -> Pem.privateKey(junk, "tls.private-key"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("holds no PEM private key");
    assertThatThrownBy(() -> Pem.privateKey(ec.certPem(), "tls.private-key"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("holds no PEM private key");
  }
}
