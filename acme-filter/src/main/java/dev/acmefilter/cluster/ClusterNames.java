package dev.acmefilter.cluster;

import dev.acmefilter.challenge.AcmeToken;
import dev.acmefilter.config.ClusterSettings;

import java.util.regex.Pattern;

/**
 * The syntax of every name that reaches SQL text or a row key from outside: the schema (it
 * becomes part of statements and of the notification channels, so only plain lower-case
 * identifiers are accepted), the node, the certificate ids, the challenge tokens. Checked
 * before any query, so a hostile request never costs a round trip.
 */
final class ClusterNames {

    /** Longest token accepted; CAs send 43 characters (as {@code DirectoryChallengeStore}). */
    static final int MAX_TOKEN_LENGTH = 128;
    /** Longest key authorization accepted: a token, a dot and a 43-character thumbprint, with room. */
    static final int MAX_KEY_AUTHORIZATION_LENGTH = 256;

    /** As {@code acme.certificates[].id} (and {@code default}). */
    private static final Pattern CERTIFICATE_ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    private ClusterNames() {
    }

    static boolean isSchema(String s) {
        return ClusterSettings.isSchema(s);
    }

    static boolean isNode(String s) {
        return ClusterSettings.isNode(s);
    }

    static String certificateId(String id) {
        if (id == null || !CERTIFICATE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a certificate id (a-z, 0-9, '_', '.', '-', at most 63): " + id);
        }
        return id;
    }

    /**
     * base64url, 1 to {@value #MAX_TOKEN_LENGTH} characters: {@link AcmeToken}'s syntax, with
     * the database store's own length limit.
     */
    static boolean isToken(String token) {
        return AcmeToken.isToken(token, MAX_TOKEN_LENGTH);
    }

    /** {@code <token>.<thumbprint>} (RFC 8555, 8.1), printable ASCII without spaces. */
    static boolean isKeyAuthorization(String token, String keyAuthorization) {
        if (keyAuthorization == null || keyAuthorization.length() > MAX_KEY_AUTHORIZATION_LENGTH
                || !keyAuthorization.startsWith(token + ".")) {
            return false;
        }
        for (int i = 0; i < keyAuthorization.length(); i++) {
            char c = keyAuthorization.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
