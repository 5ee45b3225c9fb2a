package dev.acmefilter.challenge;

/**
 * The one syntax of an http-01 token and of its key authorization (RFC 8555, sections 8.1
 * and 8.3), shared by {@link ChallengeFilter} and every {@link ChallengeStore}, so that what
 * a store keeps and what the filter looks up can never disagree.
 *
 * <ul>
 *   <li>A token is base64url ({@code A-Z a-z 0-9 - _}, no padding), 1 to {@value #MAX_LENGTH}
 *       characters. CAs send 43 (256 bits). Only such a string ever reaches a store, so it can
 *       be a file name or a database key as it is.</li>
 *   <li>Its key authorization is the token, a dot and the account key's base64url SHA-256 JWK
 *       thumbprint ({@value #THUMBPRINT_LENGTH} characters, RFC 7638): nothing else is ever
 *       served.</li>
 * </ul>
 * {@value #MAX_LENGTH} is also the highest {@code max-token-length} the filter accepts: every
 * store keeps tokens up to it, so no setting of the filter makes a stored token unreachable.
 * It is what a file name can hold: {@link DirectoryChallengeStore} names a file after its
 * token, a file name holds at most 255 bytes, and the temporary name it is written under
 * adds 22 characters.
 */
public final class AcmeToken {

    /** The longest token a store keeps, and the highest {@code max-token-length} of the filter. */
    public static final int MAX_LENGTH = 200;
    /** Length of a base64url SHA-256 thumbprint. */
    public static final int THUMBPRINT_LENGTH = 43;

    private AcmeToken() {
    }

    /** Whether {@code token} is a token of 1 to {@value #MAX_LENGTH} base64url characters. */
    public static boolean isToken(String token) {
        return isToken(token, MAX_LENGTH);
    }

    /** Whether {@code token} is a token of 1 to {@code maxLength} base64url characters. */
    public static boolean isToken(String token, int maxLength) {
        return token != null && !token.isEmpty() && token.length() <= maxLength && isBase64url(token, 0);
    }

    /** Whether {@code value} is {@code <token>.<base64url SHA-256 thumbprint>}. */
    public static boolean isKeyAuthorization(String token, String value) {
        return isToken(token) && value != null && value.length() == token.length() + 1 + THUMBPRINT_LENGTH
                && value.startsWith(token) && value.charAt(token.length()) == '.'
                && isBase64url(value, token.length() + 1);
    }

    /**
     * {@code token}, checked.
     *
     * @throws IllegalArgumentException when it is not a token
     */
    public static String requireToken(String token) {
        if (!isToken(token)) {
            throw new IllegalArgumentException("not an ACME token (base64url, 1 to " + MAX_LENGTH + " characters): "
                    + token);
        }
        return token;
    }

    private static boolean isBase64url(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
