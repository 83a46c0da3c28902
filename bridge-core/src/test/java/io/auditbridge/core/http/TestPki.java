package io.auditbridge.core.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * Certificates made for one test: a server CA with an intermediate (so the server sends a chain), a
 * client CA with one client, and a stranger signed by neither.
 */
record TestPki(HeldCertificate serverRoot, HeldCertificate clientCa, HeldCertificate client, HeldCertificate stranger,
               Path serverChainFile, Path serverKeyFile, Path clientCaFile) {

    static TestPki create(Path dir) throws IOException {
        HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(1).commonName("test root").build();
        HeldCertificate intermediate = new HeldCertificate.Builder().certificateAuthority(0)
                .commonName("test intermediate").signedBy(root).build();
        HeldCertificate server = new HeldCertificate.Builder().commonName("localhost").addSubjectAlternativeName("localhost")
                .signedBy(intermediate).build();
        HeldCertificate clientCa = new HeldCertificate.Builder().certificateAuthority(0).commonName("client ca").build();
        HeldCertificate client = new HeldCertificate.Builder().commonName("vector").signedBy(clientCa).build();
        HeldCertificate stranger = new HeldCertificate.Builder().commonName("stranger").build();

        Path chain = Files.writeString(dir.resolve("tls.crt"), server.certificatePem() + intermediate.certificatePem());
        Path key = Files.writeString(dir.resolve("tls.key"), server.privateKeyPkcs8Pem());
        Path ca = Files.writeString(dir.resolve("client-ca.crt"), clientCa.certificatePem());
        return new TestPki(root, clientCa, client, stranger, chain, key, ca);
    }

    HeldCertificate clientCertificate() {
        return client;
    }

    HeldCertificate strangerCertificate() {
        return stranger;
    }

    /** A client trusting the server root, presenting {@code identity} when non-null. */
    OkHttpClient client(HeldCertificate identity) {
        HandshakeCertificates.Builder b = new HandshakeCertificates.Builder().addTrustedCertificate(serverRoot.certificate());
        if (identity != null) {
            b.heldCertificate(identity);
        }
        HandshakeCertificates certs = b.build();
        return new OkHttpClient.Builder().sslSocketFactory(certs.sslSocketFactory(), certs.trustManager())
                .retryOnConnectionFailure(false).build();
    }
}
