package io.auditbridge.core.http;

import io.auditbridge.core.sink.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the server's SSLContext from PEM files (the shape of a Kubernetes TLS Secret, key in PKCS#8). */
final class ServerTls {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final char[] NO_PASSWORD = new char[0];

    private ServerTls() {}

    static SSLContext context(HttpReceiverConfig.Tls tls) {
        try {
            List<X509Certificate> chain = Pem.certificates(Files.readString(tls.certificateFile(), StandardCharsets.US_ASCII));
            PrivateKey key = privateKey(Files.readString(tls.keyFile(), StandardCharsets.US_ASCII),
                    chain.getFirst().getPublicKey().getAlgorithm());
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, NO_PASSWORD);

            TrustManagerFactory tmf = null;
            if (tls.clientCaFile() != null) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (X509Certificate ca : Pem.certificates(Files.readString(tls.clientCaFile(), StandardCharsets.US_ASCII))) {
                    trust.setCertificateEntry("client-ca-" + i++, ca);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new IllegalArgumentException("tls: cannot read " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tls: unusable certificate or key: " + e.getClass().getSimpleName(), e);
        }
    }

    private static PrivateKey privateKey(String pem, String algorithm) throws GeneralSecurityException {
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            // The message names the fix, never the key.
            throw new IllegalArgumentException("tls key file: expected a PKCS#8 '-----BEGIN PRIVATE KEY-----' block"
                    + " (convert with: openssl pkcs8 -topk8 -nocrypt -in tls.key -out tls.pk8.key)");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
