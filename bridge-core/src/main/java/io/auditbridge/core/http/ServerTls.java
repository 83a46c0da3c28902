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

/**
 * Builds the server's SSLContext from PEM files in the shape of a Kubernetes TLS Secret: a certificate chain
 * and a PKCS#8 key, or a PKCS#1 RSA key (what cert-manager and the OpenShift service CA write by default).
 */
final class ServerTls {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final Pattern PKCS1_RSA = Pattern.compile(
            "-----BEGIN RSA PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END RSA PRIVATE KEY-----");
    /** DER of AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
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
        if (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        Matcher rsa = PKCS1_RSA.matcher(pem);
        if (rsa.find()) {
            byte[] pkcs1 = Base64.getMimeDecoder().decode(rsa.group(1));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8OfRsa(pkcs1)));
        }
        // The message names the fix, never the key.
        throw new IllegalArgumentException("tls key file: expected a '-----BEGIN PRIVATE KEY-----' (PKCS#8) or"
                + " '-----BEGIN RSA PRIVATE KEY-----' block (convert others with: openssl pkcs8 -topk8 -nocrypt -in tls.key)");
    }

    /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING pkcs1 } (RFC 5208), the form the JDK reads. */
    static byte[] pkcs8OfRsa(byte[] pkcs1) {
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[3 + RSA_ALGORITHM.length + octets.length];
        body[0] = 0x02;
        body[1] = 0x01;
        body[2] = 0x00;
        System.arraycopy(RSA_ALGORITHM, 0, body, 3, RSA_ALGORITHM.length);
        System.arraycopy(octets, 0, body, 3 + RSA_ALGORITHM.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int len = content.length;
        int lenBytes = len < 0x80 ? 0 : len <= 0xFF ? 1 : len <= 0xFFFF ? 2 : len <= 0xFFFFFF ? 3 : 4;
        byte[] out = new byte[2 + lenBytes + len];
        out[0] = (byte) tag;
        if (lenBytes == 0) {
            out[1] = (byte) len;
        } else {
            out[1] = (byte) (0x80 | lenBytes);
            for (int i = 0; i < lenBytes; i++) {
                out[2 + i] = (byte) (len >>> (8 * (lenBytes - 1 - i)));
            }
        }
        System.arraycopy(content, 0, out, 2 + lenBytes, len);
        return out;
    }
}
