package dev.acmefilter.cluster;

import dev.acmefilter.config.AccountSettings;
import dev.acmefilter.provision.AccountKeySource;
import dev.acmefilter.provision.AccountKeys;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The account key in a cluster: the one the database holds for the CA ({@link SharedAccount}),
 * stored there from this node's {@code account_key_file} by the first node that needs one, so
 * that every node uses the account that placed the orders it may resume. A node whose file
 * holds another key says so once; the file is never overwritten. During a standalone check
 * (the database unreachable) the node's own key file is used, with a warning.
 */
final class ClusterAccountKeys implements AccountKeySource {

    private static final System.Logger LOG = System.getLogger(ClusterAccountKeys.class.getName());

    private final CertificateLease gate;
    private final SharedAccount shared;
    private final AccountSettings account;
    private final AtomicBoolean warned;

    /** {@code warned} is shared by the certificates of one node: the file is the same for all. */
    ClusterAccountKeys(CertificateLease gate, AccountSettings account, AtomicBoolean warned) {
        this.gate = gate;
        this.shared = gate.cluster().account();
        this.account = account;
        this.warned = warned;
    }

    @Override
    public KeyPair load() {
        if (gate.mode() == CertificateLease.Mode.STANDALONE) {
            LOG.log(Level.WARNING, "Standalone renewal: using this node''s account key {0}, not the cluster''s (the"
                    + " cluster database is unreachable)", account.accountKeyFile());
            return fileKey();
        }
        SharedAccount.AccountKey key = shared.keyFor(account.directoryUrl(), this::fileKey);
        if (key.storedNow()) {
            LOG.log(Level.INFO, "Stored the account key of {0} for every node of the cluster ({1})",
                    account.accountKeyFile(), account.directoryUrl());
        } else if (Files.exists(account.accountKeyFile()) && !warned.get()) {
            try {
                KeyPair mine = AccountKeys.load(account.accountKeyFile());
                if (!Arrays.equals(mine.getPublic().getEncoded(), key.keyPair().getPublic().getEncoded())
                        && warned.compareAndSet(false, true)) {
                    LOG.log(Level.WARNING, "{0} holds another account key than the cluster''s (stored by node {1} at"
                            + " {2}): this node uses the cluster''s account, so that any node can resume any order;"
                            + " the file is left as it is", account.accountKeyFile(), key.createdBy(), key.createdAt());
                }
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "Cannot compare {0} with the cluster''s account key: {1}",
                        account.accountKeyFile(), e.toString());
            }
        }
        return key.keyPair();
    }

    private KeyPair fileKey() {
        return AccountKeys.loadOrCreate(account.accountKeyFile(), account.accountKeyType());
    }

    @Override
    public boolean isFile() {
        return false;
    }
}
