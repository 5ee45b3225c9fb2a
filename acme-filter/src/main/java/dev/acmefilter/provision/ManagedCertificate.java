package dev.acmefilter.provision;

import dev.acmefilter.renewal.RenewalScheduler;

/**
 * One certificate kept valid: the id it is known by (in status output, alerts and the admin
 * command), the provisioner that orders and writes it, and the loop that decides when.
 * Each certificate has its own state file, backoff and delivery, so one failing never
 * holds the others back.
 *
 * @param id          {@code default} for Synapse's own certificate, else the entry's {@code id}
 * @param provisioner orders, writes and delivers this certificate
 * @param scheduler   its renewal loop (checks, backoff, persisted state)
 */
public record ManagedCertificate(String id, Provisioner provisioner, RenewalScheduler scheduler) {
}
