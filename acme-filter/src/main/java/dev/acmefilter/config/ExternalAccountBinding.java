package dev.acmefilter.config;

import java.util.Objects;

/**
 * External account binding credentials ({@code acme.eab}) that CAs such as ZeroSSL and
 * Google Trust Services require before they create an account.
 *
 * @param kid     the key identifier the CA gave the admin
 * @param hmacKey the base64url-encoded MAC key the CA gave the admin; never logged
 */
public record ExternalAccountBinding(String kid, String hmacKey) {
    public ExternalAccountBinding {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(hmacKey, "hmacKey");
    }

    /** Keeps the MAC key out of logs and status output. */
    @Override
    public String toString() {
        return "ExternalAccountBinding[kid=" + kid + ", hmacKey=<hidden>]";
    }
}
