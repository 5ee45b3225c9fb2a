package dev.acmefilter.provision;

import dev.acmefilter.config.AccountSettings;

import java.security.KeyPair;

/**
 * Where the ACME account key comes from: on one host the {@code account_key_file} (created
 * when missing, never replaced); in a cluster the database, so that every node uses the one
 * account that placed the orders it may have to resume.
 */
public interface AccountKeySource {

    /**
     * The account key to log in with.
     *
     * @throws RuntimeException when there is none to be had (an unreadable file, an
     *                          unreachable database): nothing is ordered
     */
    KeyPair load();

    /**
     * Whether the key is the account key file's, which {@code acme-admin
     * rollover-account-key} may replace while this process runs (then a refused request
     * reloads it); false for a key that lives elsewhere.
     */
    boolean isFile();

    /** The account key file of {@code account}, created with its key type when missing. */
    static AccountKeySource file(AccountSettings account) {
        return new AccountKeySource() {
            @Override
            public KeyPair load() {
                return AccountKeys.loadOrCreate(account.accountKeyFile(), account.accountKeyType());
            }

            @Override
            public boolean isFile() {
                return true;
            }
        };
    }
}
