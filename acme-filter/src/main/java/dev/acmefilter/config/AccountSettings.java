package dev.acmefilter.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ACME account that every certificate of one config shares, and how to reach its CA:
 * {@code acme.url}, {@code acme.contact}, {@code acme.eab}, {@code acme.ca_certificates},
 * {@code acme.account_key_file} and {@code acme.account_key_type}.
 *
 * @param directoryUrl   the CA's ACME v2 directory (default Let's Encrypt, Synapse's CA)
 * @param contacts       e-mail addresses for the CA's notices, without {@code mailto:}
 * @param eab            external account binding, when the CA requires it
 * @param caCertificates extra CAs trusted for the ACME server's HTTPS, for this client only
 * @param accountKeyFile the account key (default Synapse's {@code client.key} beside the config)
 * @param accountKeyType the type of a newly created account key
 */
public record AccountSettings(URI directoryUrl, List<String> contacts, Optional<ExternalAccountBinding> eab,
                              Optional<Path> caCertificates, Path accountKeyFile, KeyType accountKeyType) {

    /** Let's Encrypt's production ACME v2 directory: Synapse's default CA. */
    public static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    /** Let's Encrypt's staging ACME v2 directory. */
    public static final URI LETS_ENCRYPT_STAGING = URI.create("https://acme-staging-v02.api.letsencrypt.org/directory");

    /** The keys of {@code acme:} this section reads. */
    static final List<String> KEYS = List.of("url", "account_key_file", "contact", "eab", "ca_certificates",
            "account_key_type");

    /** Let's Encrypt's retired ACME v1 directories, which old Synapse configs still name. */
    static final String V1_PRODUCTION = "https://acme-v01.api.letsencrypt.org/directory";
    static final String V1_STAGING = "https://acme-staging.api.letsencrypt.org/directory";

    private static final String URL_EXPECTED = "an absolute https:// URL of the CA's ACME v2 directory, such as "
            + LETS_ENCRYPT;
    private static final Pattern EMAIL = Pattern.compile("([^@\\s<>,;:\"()\\[\\]]+)@([^@\\s]+)");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+={0,2}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");

    public AccountSettings {
        Objects.requireNonNull(directoryUrl, "directoryUrl");
        contacts = List.copyOf(contacts);
        Objects.requireNonNull(eab, "eab");
        Objects.requireNonNull(caCertificates, "caCertificates");
        Objects.requireNonNull(accountKeyType, "accountKeyType");
    }

    /** Reads the account keys of the {@code acme:} section. */
    static AccountSettings parse(Section acme) {
        URI url = directoryUrl(acme);
        Path keyFile = acme.path("account_key_file");
        List<String> contacts = contacts(acme);
        Optional<ExternalAccountBinding> eab = eab(acme);
        Optional<Path> ca = caCertificates(acme);
        KeyType keyType = KeyType.read(acme, "account_key_type", KeyType.DEFAULT);
        if (keyFile == null) {
            keyFile = acme.besideFile("client.key"); // Synapse's default
        } else if (Files.isDirectory(keyFile)) {
            throw acme.valueError("account_key_file", Shown.quote(keyFile.toString()) + " is a directory",
                    "the file that holds (or will hold) the ACME account key, such as " + keyFile.resolve("client.key"));
        }
        return new AccountSettings(url, contacts, eab, ca, keyFile, keyType);
    }

    private static URI directoryUrl(Section acme) {
        String text = acme.string("url", URL_EXPECTED);
        if (text == null) {
            return LETS_ENCRYPT;
        }
        text = text.trim();
        String withoutSlash = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        if (withoutSlash.equals(V1_PRODUCTION) || withoutSlash.equals(V1_STAGING)) {
            URI v2 = withoutSlash.equals(V1_PRODUCTION) ? LETS_ENCRYPT : LETS_ENCRYPT_STAGING;
            acme.warn(acme.key("url") + ": " + text + " is Let's Encrypt's ACME v1 directory, and ACME v1 is "
                    + "switched off; using the ACME v2 directory " + v2 + " instead (put that URL into the file to "
                    + "silence this warning)");
            return v2;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw acme.valueError("url", Shown.quote(text) + " is not a URL", URL_EXPECTED);
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw acme.valueError("url", Shown.quote(text) + " is not an absolute URL", URL_EXPECTED);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw acme.valueError("url", Shown.quote(text) + " does not use https", URL_EXPECTED);
        }
        return uri;
    }

    private static List<String> contacts(Section acme) {
        String expected = "an e-mail address such as admin@example.org, or a list of them";
        Set<String> contacts = new LinkedHashSet<>();
        for (String entry : acme.strings("contact", expected, true)) {
            String address = entry.trim();
            if (address.regionMatches(true, 0, "mailto:", 0, 7)) {
                address = address.substring(7).trim();
            }
            Matcher m = EMAIL.matcher(address);
            if (!m.matches() || m.group(2).endsWith(".")
                    || DnsNames.problem(DnsNames.normalize(m.group(2))).isPresent()) {
                throw acme.valueError("contact", Shown.quote(entry) + " is not an e-mail address", expected);
            }
            contacts.add(address);
        }
        return List.copyOf(contacts);
    }

    /**
     * The MAC key is checked for base64url (RFC 8555 and acme4j) or, since some CAs show
     * it that way, standard base64, and stored re-encoded as unpadded base64url. It is
     * never put into a message.
     */
    private static Optional<ExternalAccountBinding> eab(Section acme) {
        if (acme.get("eab") == null) {
            return Optional.empty();
        }
        Section eab = acme.section("eab", "a mapping with kid and hmac_key", List.of("kid", "hmac_key"));
        String kidExpected = "the key identifier (kid) your CA gave you, as a string";
        String kid = eab.string("kid", kidExpected);
        if (kid == null || kid.isBlank()) {
            throw eab.valueError("kid", kid == null ? "missing" : "empty", kidExpected);
        }
        String macExpected = "the MAC key (hmac_key) your CA gave you, in base64url or base64";
        Object macValue = eab.get("hmac_key");
        if (macValue != null && !(macValue instanceof String)) {
            throw eab.error("hmac_key", "expected " + macExpected + ", found " + Shown.describeType(macValue));
        }
        String mac = macValue == null ? null : ((String) macValue).trim();
        if (mac == null || mac.isEmpty()) {
            throw eab.valueError("hmac_key", mac == null ? "missing" : "empty", macExpected);
        }
        byte[] key = null;
        try {
            if (BASE64URL.matcher(mac).matches()) {
                key = Base64.getUrlDecoder().decode(mac);
            } else if (BASE64.matcher(mac).matches()) {
                key = Base64.getDecoder().decode(mac);
            }
        } catch (IllegalArgumentException e) {
            key = null; // wrong length or padding; the exception text is not passed on
        }
        if (key == null || key.length == 0) {
            throw eab.valueError("hmac_key", "the value is not valid base64url or base64", macExpected);
        }
        return Optional.of(new ExternalAccountBinding(kid.trim(),
                Base64.getUrlEncoder().withoutPadding().encodeToString(key)));
    }

    private static Optional<Path> caCertificates(Section acme) {
        Path pem = acme.path("ca_certificates");
        if (pem == null) {
            return Optional.empty();
        }
        String expected = "a readable PEM file with at least one X.509 CA certificate";
        String shown = Shown.quote(pem.toString());
        if (!Files.exists(pem)) {
            throw acme.valueError("ca_certificates", shown + " does not exist", expected);
        }
        if (Files.isDirectory(pem)) {
            throw acme.valueError("ca_certificates", shown + " is a directory", expected);
        }
        if (!Files.isReadable(pem)) {
            throw acme.valueError("ca_certificates", shown + " cannot be read", expected);
        }
        Collection<? extends Certificate> certificates;
        try {
            byte[] content = Files.readAllBytes(pem);
            if (!new String(content, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
                // the JDK would say "No certificate data found", or accept a DER file; we ask for PEM
                throw acme.valueError("ca_certificates", shown + " contains no certificates", expected);
            }
            certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(content));
        } catch (IOException e) {
            throw new ConfigException(acme.error("ca_certificates", shown + " cannot be read (" + e + "); expected "
                    + expected).getMessage(), e);
        } catch (CertificateException e) {
            // the JDK's detail is in the cause
            throw new ConfigException(acme.error("ca_certificates", shown + " does not hold valid certificates; "
                    + "expected " + expected).getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw acme.valueError("ca_certificates", shown + " contains no certificates", expected);
        }
        return Optional.of(pem);
    }
}
