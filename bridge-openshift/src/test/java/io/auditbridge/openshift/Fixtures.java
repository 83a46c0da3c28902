package io.auditbridge.openshift;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/** Request bodies written for these tests from the documented CLF/Vector formats (see src/test/resources/forwarder). */
final class Fixtures {
    /** Every field an audit.k8s.io/v1 Event may have: what may remain after the collector's fields are gone. */
    static final Set<String> AUDIT_EVENT_FIELDS = Set.of("kind", "apiVersion", "level", "auditID", "stage", "requestURI",
            "verb", "user", "impersonatedUser", "sourceIPs", "userAgent", "objectRef", "responseStatus", "requestObject",
            "responseObject", "requestReceivedTimestamp", "stageTimestamp", "annotations");

    private Fixtures() {}

    static byte[] read(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/forwarder/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** zlib-wrapped deflate: what Vector sends for {@code compression: zlib} ({@code Content-Encoding: deflate}). */
    static byte[] zlib(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new DeflaterOutputStream(out, new Deflater())) {
            z.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
