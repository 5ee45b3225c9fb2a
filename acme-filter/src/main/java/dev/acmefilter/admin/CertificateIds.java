package dev.acmefilter.admin;

import dev.acmefilter.config.AcmeConfig;
import dev.acmefilter.config.CertificateSettings;

import java.util.List;

/**
 * The certificates of a configuration, by id: {@code default} is Synapse's own (for
 * {@code server_name}, at {@code tls_certificate_path}); each {@code acme.certificates} entry
 * has its own id. The one place that maps {@code --cert} to a certificate's settings.
 */
public final class CertificateIds {

    /** The id of Synapse's own certificate. */
    public static final String DEFAULT = CertificateSettings.DEFAULT_ID;

    private CertificateIds() {
    }

    /** Every certificate id of {@code settings}, the default first. */
    public static List<String> ids(AcmeConfig config) {
        return config.certificates().stream().map(CertificateSettings::id).toList();
    }

    /**
     * The certificate a command acts on when {@code --cert} is not given: Synapse's own, else
     * the only one.
     *
     * @throws UsageException when there is none, or several and none of them the default
     */
    public static String implied(AcmeConfig config) {
        List<String> ids = ids(config);
        if (ids.contains(DEFAULT) || ids.size() == 1) {
            return ids.get(0);
        }
        if (ids.isEmpty()) {
            throw new UsageException("there is no certificate to act on in " + config.describeFiles()
                    + ": expected tls_certificate_path, tls_private_key_path and server_name, or acme.certificates");
        }
        throw new UsageException("--cert: " + config.describeFiles() + " has several certificates ("
                + String.join(", ", ids) + "); name the one to act on");
    }

    /**
     * The settings of the certificate {@code id}: the entry's names, files and delivery.
     *
     * @throws UsageException when there is no such certificate; the message names --cert
     */
    public static CertificateSettings resolve(AcmeConfig config, String id) {
        return config.certificate(id)
                .orElseThrow(() -> new UsageException("--cert: there is no certificate '" + id + "' in "
                        + config.describeFiles() + "; expected one of " + String.join(", ", ids(config))));
    }
}
