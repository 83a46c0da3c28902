package io.auditbridge.core.http;

import io.auditbridge.core.cli.TokenFile;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Checks the {@code Authorization} header against a bearer token and/or basic-auth credentials read from
 * files (re-read when they change, so a rotated Secret needs no restart). Either configured scheme is
 * accepted. Comparisons go through {@link Secrets#matches} (hashed, constant time),
 * so neither the content nor the length of the secret leaks through timing. With no credentials configured
 * every request passes (TLS client certificates, if required, are checked during the handshake).
 */
final class RequestAuthenticator {
    private final Supplier<String> bearer;
    private final Supplier<String> username;
    private final Supplier<String> password;

    RequestAuthenticator(Supplier<String> bearer, Supplier<String> username, Supplier<String> password) {
        this.bearer = bearer;
        this.username = username;
        this.password = password;
    }

    static RequestAuthenticator from(HttpReceiverConfig config) {
        return new RequestAuthenticator(
                config.bearerTokenFile() == null ? null : new TokenFile(config.bearerTokenFile()),
                config.basicUsernameFile() == null ? null : new TokenFile(config.basicUsernameFile()),
                config.basicPasswordFile() == null ? null : new TokenFile(config.basicPasswordFile()));
    }

    /** The {@code WWW-Authenticate} value of a 401: the scheme the client should use. */
    String challenge() {
        return (bearer != null ? "Bearer" : "Basic") + " realm=\"auditbridge\"";
    }

    boolean required() {
        return bearer != null || username != null;
    }

    /** True when the header carries credentials that match. */
    boolean accepts(String authorization) {
        if (!required()) {
            return true;
        }
        if (authorization == null) {
            return false;
        }
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = authorization.substring(0, space).toLowerCase(Locale.ROOT);
        String value = authorization.substring(space + 1).strip();
        if (scheme.equals("bearer") && bearer != null) {
            return matches(value, bearer.get());
        }
        if (scheme.equals("basic") && username != null) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return false;
            }
            // Both halves are compared every time, so a right user name takes as long as a wrong one.
            boolean user = matches(decoded.substring(0, colon), username.get());
            boolean pass = matches(decoded.substring(colon + 1), password.get());
            return user & pass;
        }
        return false;
    }

    private static boolean matches(String given, String expected) {
        return Secrets.matches(given, expected);
    }
}
