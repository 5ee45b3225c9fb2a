package dev.acmefilter.reload;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.acmefilter.config.CertificateSettings;
import dev.acmefilter.config.ReloadSettings;

/**
 * Tells the homeserver about a certificate that was just written ({@code acme.reload}):
 * sends the signal to the process in the pid file, then runs the command, if configured.
 * Synapse reads its certificate only at start and on {@code SIGHUP}, so without this step
 * a renewal sits on disk until someone restarts it.
 *
 * <p>Never throws for a failing hook: the certificate is already written, so a failure is
 * a {@link ReloadResult} to report (and is logged here at WARNING), not a reason to roll
 * anything back. The command runs with {@code /bin/sh -c} in a minimal environment
 * ({@link HookEnvironment}): {@code PATH}, what {@code acme.reload.env} lists, and
 * {@value #CERTIFICATE_VARIABLE}, {@value #PRIVATE_KEY_VARIABLE} and {@value #NAMES_VARIABLE}
 * (space separated). Its output is not logged, only its last
 * {@value ProcessRunner#TAIL_BYTES} bytes when it fails.
 */
public final class Reloader {

    public static final String CERTIFICATE_VARIABLE = "ACME_CERTIFICATE_PATH";
    public static final String PRIVATE_KEY_VARIABLE = "ACME_PRIVATE_KEY_PATH";
    public static final String NAMES_VARIABLE = "ACME_NAMES";

    private static final System.Logger LOG = System.getLogger(Reloader.class.getName());

    private final ReloadSettings settings;

    public Reloader(ReloadSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A reloader for {@code acme.reload}, or empty when it is not configured. */
    public static Optional<Reloader> forSettings(CertificateSettings settings) {
        return settings.reload().map(Reloader::new);
    }

    /**
     * Signals, then runs the command; both are tried even when the first fails.
     *
     * @param certificate the certificate file just written
     * @param privateKey  its key file
     * @param names       the names in the certificate
     */
    public ReloadResult reload(Path certificate, Path privateKey, List<String> names) {
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        try {
            if (settings.signals()) {
                record(new PidFileSignal(settings.signal().get(), settings.pidFile().get(),
                        settings.processMatchOrDefault()).send(), done, failed);
            }
            if (settings.command().isPresent()) {
                record(runCommand(settings.command().get(), certificate, privateKey, names), done, failed);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.add("interrupted while reloading (the hook was killed)");
        }
        ReloadResult result = failed.isEmpty() ? ReloadResult.ok(String.join("; ", done))
                : ReloadResult.failed(String.join("; ", failed));
        LOG.log(result.ok() ? Level.INFO : Level.WARNING, result.ok()
                ? "Homeserver reloaded after the new certificate: {0}"
                : "Reloading the homeserver after the new certificate failed (the certificate is written): {0}",
                result.message());
        return result;
    }

    private static void record(ReloadResult step, List<String> done, List<String> failed) {
        (step.ok() ? done : failed).add(step.message());
    }

    private ReloadResult runCommand(String command, Path certificate, Path privateKey, List<String> names)
            throws InterruptedException {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(CERTIFICATE_VARIABLE, certificate.toString());
        environment.put(PRIVATE_KEY_VARIABLE, privateKey.toString());
        environment.put(NAMES_VARIABLE, String.join(" ", names));
        Duration timeout = settings.timeout();
        ProcessRunner.Outcome outcome;
        try {
            outcome = ProcessRunner.run(List.of("/bin/sh", "-c", command),
                    HookEnvironment.of(settings.env(), environment), timeout);
        } catch (IOException e) {
            return ReloadResult.failed("reload command cannot be started: " + e);
        }
        if (outcome.timedOut()) {
            return ReloadResult.failed("reload command timed out after " + seconds(timeout) + " and was killed"
                    + outcome.tailSuffix());
        }
        if (outcome.exitCode() != 0) {
            return ReloadResult.failed("reload command exited with " + outcome.exitCode() + outcome.tailSuffix());
        }
        return ReloadResult.ok("reload command succeeded");
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
