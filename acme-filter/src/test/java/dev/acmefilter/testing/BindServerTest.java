package dev.acmefilter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class BindServerTest {

    /** Runs nsupdate with the fixture's key file: the way an admin's script changes the zone. */
    private static String nsupdate(BindServer bind, String commands) throws Exception {
        Process p = new ProcessBuilder("nsupdate", "-k", bind.keyFile().toString()).redirectErrorStream(true).start();
        p.getOutputStream().write(("server 127.0.0.1 " + bind.port() + "\n" + commands + "\nsend\n")
                .getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() + out;
    }

    @Test
    void theKeyMayAddTxtRecordsWhichTheSecondaryHasOnlyOnceNotified() throws Exception {
        List<ProcessHandle> started;
        try (BindServer bind = BindServer.builder().secondary(true).zoneRecord("www IN A 127.0.0.1").start()) {
            started = bind.processes();
            assertThat(started).hasSize(2).allMatch(ProcessHandle::isAlive);
            assertThat(bind.keySecret()).isNotBlank();

            assertThat(nsupdate(bind, "update add _acme-challenge.example.test. 60 TXT \"v1\"")).isEqualTo("0");

            assertThat(bind.txt("_acme-challenge.example.test.")).containsExactly("v1");
            long primarySerial = BindServer.serial(bind.primary());
            Thread.sleep(1500); // a secondary that refreshed on its own would have it by now
            assertThat(BindServer.txt("_acme-challenge.example.test.", bind.secondary())).isEmpty();
            assertThat(BindServer.serial(bind.secondary())).isLessThan(primarySerial);

            bind.notifySecondary();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (BindServer.txt("_acme-challenge.example.test.", bind.secondary()).isEmpty()
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(BindServer.txt("_acme-challenge.example.test.", bind.secondary())).containsExactly("v1");
        }
        assertThat(started).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void theKeyMayNotAddOtherTypesNorTouchTheLockedZone() throws Exception {
        try (BindServer bind = BindServer.builder().start()) {
            assertThat(nsupdate(bind, "update add www.example.test. 60 A 192.0.2.1")).startsWith("2")
                    .contains("REFUSED");
            assertThat(nsupdate(bind, "update add _acme-challenge.locked.test. 60 TXT \"x\"")).startsWith("2")
                    .contains("REFUSED");
            assertThat(BindServer.txt("_acme-challenge.locked.test.", bind.primary())).isEmpty();
        }
    }
}
