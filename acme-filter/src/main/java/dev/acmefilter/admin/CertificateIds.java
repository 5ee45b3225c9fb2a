package dev.acmefilter.admin;

import dev.acmefilter.config.AcmeSettings;

import java.util.List;

/**
 * The certificates of a configuration, by id: {@code default} is the one for
 * {@code server_name} ({@code tls_certificate_path}). The one place that maps an id to its
 * settings, so that more certificates (entries with their own ids) only change this class.
 */
public final class CertificateIds {

    /** The id of Synapse's own certificate. */
    public static final String DEFAULT = "default";

    private CertificateIds() {
    }

    /** Every certificate id of {@code settings}, the default first. */
    public static List<String> ids(AcmeSettings settings) {
        return List.of(DEFAULT);
    }

    /**
     * The settings of the certificate {@code id}.
     *
     * @throws UsageException when there is no such certificate; the message names --cert
     */
    public static AcmeSettings resolve(AcmeSettings settings, String id) {
        if (DEFAULT.equals(id)) {
            return settings;
        }
        throw new UsageException("--cert: there is no certificate '" + id + "' in " + settings.configFile()
                + "; expected one of " + String.join(", ", ids(settings)));
    }
}
