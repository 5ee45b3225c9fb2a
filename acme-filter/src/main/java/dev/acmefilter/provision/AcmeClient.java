package dev.acmefilter.provision;

import dev.acmefilter.challenge.ChallengeStore;
import dev.acmefilter.config.AccountSettings;
import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ConfigException;
import dev.acmefilter.config.ExternalAccountBinding;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.exception.AcmeUserActionRequiredException;

import dev.acmefilter.renewal.AriWindow;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.Arrays;
import java.lang.System.Logger.Level;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The connection to one CA for one account: the session (with the configured trust), the
 * account key, and the account itself, registered on first use (agreeing to the CA's
 * terms, whose URL is logged) or found again by its key. The only class that knows how to
 * reach the CA; it is not thread-safe, callers serialize orders.
 */
public final class AcmeClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AcmeClient.class.getName());

    private static final URI BAD_NONCE = URI.create("urn:ietf:params:acme:error:badNonce");
    private static final URI UNAUTHORIZED = URI.create("urn:ietf:params:acme:error:unauthorized");
    private static final URI MALFORMED = URI.create("urn:ietf:params:acme:error:malformed");
    private static final int NONCE_ROUNDS = 4;

    /** How long one phase of an order (validation, finalization) may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);

    private final AccountSettings account;
    /** {@code "<config file>: "} for messages that name a setting, or nothing. */
    private final String inFile;
    private final Session session;
    private final TrustingAcmeProvider provider;
    private final Poller poller;
    private final Duration timeout;
    private final AccountKeySource accountKeys;
    private Login login;

    /** A client of the account and CA that {@code settings} name, whose messages name its config file. */
    public AcmeClient(CertificateSettings settings) {
        this(settings, AccountKeySource.file(settings.account()));
    }

    /** The same, with the account key from {@code accountKeys} (in a cluster: the cluster's). */
    public AcmeClient(CertificateSettings settings, AccountKeySource accountKeys) {
        this(settings.account(), settings.inFile(), Poller.system(), DEFAULT_TIMEOUT, accountKeys);
    }

    /** A client of {@code account}'s CA, for what concerns the account only (key rollover). */
    public AcmeClient(AccountSettings account) {
        this(account, "", Poller.system(), DEFAULT_TIMEOUT);
    }

    AcmeClient(AccountSettings account, String inFile, Poller poller, Duration timeout) {
        this(account, inFile, poller, timeout, AccountKeySource.file(account));
    }

    AcmeClient(AccountSettings account, String inFile, Poller poller, Duration timeout, AccountKeySource accountKeys) {
        this.accountKeys = accountKeys;
        this.account = account;
        this.inFile = inFile;
        this.poller = poller;
        this.timeout = timeout;
        this.provider = new TrustingAcmeProvider(AcmeTrust.sslContext(account.caCertificates()));
        this.session = new Session(account.directoryUrl(), provider);
    }

    /** Stops the HTTP client's worker threads; the client cannot be used afterwards. */
    @Override
    public void close() {
        provider.close();
    }

    /** Orders the certificate {@code settings} describe, answering http-01 challenges through {@code store}. */
    public IssuedCertificate order(CertificateSettings settings, ChallengeStore store)
            throws ProvisioningException, InterruptedException {
        return order(settings, () -> new Http01Answer(store), OrderJournal.forSettings(settings), Optional.empty());
    }

    /**
     * Orders the certificate {@code settings} describe, or completes the order the journal
     * remembers; {@code replaces} names the certificate it succeeds (sent only to CAs that
     * offer ARI); each attempt answers the challenges with a new answer from {@code answers}.
     */
    IssuedCertificate order(CertificateSettings settings, Supplier<ChallengeAnswer> answers, OrderJournal journal,
                            Optional<X509Certificate> replaces) throws ProvisioningException, InterruptedException {
        List<String> names = settings.domains();
        try {
            Optional<String> profile = ProfileChoice.choose(settings, session.getMetadata()); // before any order
            boolean reloaded = false;
            for (int attempt = 1; ; attempt++) {
                try {
                    Optional<X509Certificate> predecessor = supportsRenewalInfo() ? replaces : Optional.empty();
                    return new CertificateOrder(login(), answers, poller, timeout, journal).run(names, profile,
                            predecessor, () -> CertificateKeys.forNextOrder(settings.order().keyType(),
                                    settings.order().keepKey(), settings.privateKeyPath()),
                            settings.order().preferredChain());
                } catch (AcmeLazyLoadingException e) {
                    if (!reloaded && reloadChangedAccountKey()) {
                        reloaded = true;
                        continue;
                    }
                    throw e.getCause() instanceof AcmeException cause ? cause : new AcmeException(e.getMessage(), e);
                } catch (AcmeServerException e) {
                    if (!reloaded && reloadChangedAccountKey()) {
                        reloaded = true;
                        continue;
                    }
                    // acme4j already retried this request 10 times; a CA that keeps rejecting nonces
                    // (Pebble can be told to reject half) gets a few more rounds, resuming the same order
                    if (!BAD_NONCE.equals(e.getType()) || attempt >= NONCE_ROUNDS) {
                        throw e;
                    }
                    LOG.log(Level.INFO, "The CA rejected our nonce again and again; continuing the order (round {0} of"
                            + " {1})", attempt + 1, NONCE_ROUNDS);
                }
            }
        } catch (AcmeException e) {
            throw translate("Ordering a certificate for " + names + " failed", e);
        } catch (LeaseLostException e) {
            throw new ProvisioningException(FailureKind.LOCKED, "Stopped ordering a certificate for " + names + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new ProvisioningException(FailureKind.FILES, "Cannot record the order in progress in "
                    + journal.describe() + ": " + e, e);
        }
    }

    /** Whether the CA's directory offers ACME Renewal Information (RFC 9773). */
    public boolean supportsRenewalInfo() throws AcmeException {
        return session.resourceUrlOptional(Resource.RENEWAL_INFO).isPresent();
    }

    /**
     * The CA's suggested renewal window for {@code certificate}, when the CA offers ARI.
     * A failure to ask is not an error: the threshold rule then decides alone.
     */
    public Optional<AriWindow> renewalWindow(X509Certificate certificate) {
        try {
            if (!supportsRenewalInfo()) {
                return Optional.empty();
            }
            RenewalInfo info = login().bindRenewalInfo(certificate);
            Optional<Instant> retryAfter = info.fetch();
            return Optional.of(new AriWindow(info.getSuggestedWindowStart(), info.getSuggestedWindowEnd(),
                    info.getExplanation(), retryAfter));
        } catch (AcmeException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot get renewal information from {0}: {1}; deciding by the threshold",
                    account.directoryUrl(), e.toString());
            return Optional.empty();
        }
    }

    /** The account for the configured key; registers it on first use. */
    public Account account() throws AcmeException {
        return login().getAccount();
    }

    /** The session with this CA, for what needs no account (revocation with the certificate's own key). */
    Session session() {
        return session;
    }

    /** The login of the account the CA already has for {@code key}; never registers one. */
    Login existingLogin(KeyPair key) throws AcmeException {
        return new AccountBuilder().onlyExisting().useKeyPair(key).createLogin(session);
    }

    /**
     * After the CA refused a request: when the account key file no longer holds the key in
     * use (the admin command rolled it over while this client kept its login), forgets the
     * login so that the next request loads the file again.
     *
     * @return whether it did, i.e. whether one more try is worth it
     */
    synchronized boolean reloadChangedAccountKey() {
        if (login == null || !accountKeys.isFile()) {
            return false;
        }
        boolean changed;
        if (Files.exists(AccountKeyRollover.pendingFile(account.accountKeyFile()))) {
            changed = true; // a rollover is in progress or was interrupted: login() settles it
        } else {
            try {
                changed = !Arrays.equals(AccountKeys.load(account.accountKeyFile()).getPublic().getEncoded(),
                        login.getKeyPair().getPublic().getEncoded());
            } catch (RuntimeException e) {
                changed = false; // unreadable now: the original error is the one to report
            }
        }
        if (changed) {
            LOG.log(Level.INFO, "The account key {0} changed since it was loaded (account key rollover); loading it"
                    + " again and trying once more", account.accountKeyFile());
            login = null;
        }
        return changed;
    }

    /** The login (account URL and key) for the configured key; registers the account on first use. */
    synchronized Login login() throws AcmeException {
        if (login == null) {
            if (accountKeys.isFile()) {
                AccountKeyRollover.finishPending(this, account.accountKeyFile());
            }
            KeyPair key = accountKeys.load();
            session.getMetadata().getTermsOfService().ifPresent(tos ->
                    LOG.log(Level.INFO, "Agreeing to the terms of service of {0}: {1}", account.directoryUrl(), tos));
            AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(key);
            account.contacts().forEach(builder::addEmail);
            if (account.eab().isPresent()) {
                ExternalAccountBinding eab = account.eab().get();
                builder.withKeyIdentifier(eab.kid(), eab.hmacKey());
            } else if (session.getMetadata().isExternalAccountRequired()) {
                throw new ConfigException(inFile + "acme.eab: the CA at " + account.directoryUrl()
                        + " requires external account binding; expected acme.eab.kid and acme.eab.hmac_key "
                        + "from the CA's account page");
            }
            try {
                login = builder.createLogin(session);
            } catch (AcmeServerException e) {
                if (account.eab().isPresent() && refusesBinding(e)) {
                    throw eabRefused(account.eab().get(), e);
                }
                throw e; // e.g. the CA is in trouble: try again later
            }
            LOG.log(Level.INFO, "Using ACME account {0}", login.getAccountLocation());
        }
        return login;
    }

    /**
     * The CA refused the account with the configured binding: a wrong kid or MAC key, which
     * no retry fixes. Names the settings, never the MAC key (scrubbed from the CA's words too).
     */
    private ConfigException eabRefused(ExternalAccountBinding eab, AcmeServerException e) {
        String detail = detail(e).replace(eab.hmacKey(), "(hidden)");
        return new ConfigException(inFile + "acme.eab.hmac_key: the CA at " + account.directoryUrl()
                + " refused the external account binding with acme.eab.kid '" + eab.kid() + "': " + e.getType() + ": "
                + detail
                + "; expected the kid and the MAC key (hmac_key) that belong together, from the CA's account page");
    }

    private static boolean refusesBinding(AcmeServerException e) {
        return UNAUTHORIZED.equals(e.getType()) || MALFORMED.equals(e.getType());
    }

    /** Turns acme4j's exceptions into ours, keeping the ACME problem and Retry-After, with the kind they mean. */
    static ProvisioningException translate(String what, AcmeException e) {
        if (e instanceof AcmeRateLimitedException limited) {
            ProvisioningException.Builder b = ProvisioningException.builder(FailureKind.RATE_LIMITED,
                    what + ": rate limited by the CA: " + detail(limited))
                    .problem(AcmeProblem.of(limited.getProblem(), null)).cause(e);
            limited.getRetryAfter().ifPresent(b::retryAfter);
            return b.build();
        }
        if (e instanceof AcmeUserActionRequiredException action) {
            return ProvisioningException.builder(FailureKind.ACTION_REQUIRED, what
                    + ": the CA requires an action by the admin: " + detail(action) + " (see " + action.getInstance()
                    + ")").problem(AcmeProblem.of(action.getProblem(), null)).cause(e).build();
        }
        if (e instanceof AcmeServerException server) {
            return ProvisioningException.builder(FailureKind.CA_ERROR, what + ": " + server.getType() + ": "
                    + detail(server)).problem(AcmeProblem.of(server.getProblem(), null)).cause(e).build();
        }
        FailureKind kind = e instanceof AcmeNetworkException ? FailureKind.NETWORK : FailureKind.CA_ERROR;
        return new ProvisioningException(kind, what + ": " + e.getMessage(), e);
    }

    private static String detail(AcmeServerException e) {
        return e.getProblem().getDetail().orElse(e.getMessage());
    }
}
