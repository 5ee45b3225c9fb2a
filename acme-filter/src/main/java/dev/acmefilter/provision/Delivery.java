package dev.acmefilter.provision;

import dev.acmefilter.reload.ReloadResult;
import dev.acmefilter.reload.VerifyResult;

import java.time.Instant;
import java.util.Optional;

/**
 * What happened after a new certificate was written: the optional keystore copy, the
 * homeserver's reload, and the check that the homeserver now serves it. None of these
 * undoes the write: a failure here is reported (log, status), and the certificate stays.
 *
 * @param at        when the delivery ended
 * @param keystore  empty when no keystore is configured; else "written" or the error
 * @param reload    the reload's result, when a reload is configured
 * @param verify    the live verification's result, when one is configured
 */
public record Delivery(Instant at, Optional<String> keystore, Optional<ReloadResult> reload,
                       Optional<VerifyResult> verify) {

    /** Whether every configured step worked. */
    public boolean ok() {
        return keystore.map("written"::equals).orElse(true)
                && reload.map(ReloadResult::ok).orElse(true)
                && verify.map(VerifyResult::verified).orElse(true);
    }
}
