package dev.acmefilter.state;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LockFileTest {

    @TempDir
    Path dir;

    /** Holds the lock given as argument in a JVM of its own until its standard input closes. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (LockFile.Held held = new LockFile(Path.of(args[0])).acquire(Duration.ofSeconds(10), "test holder")) {
                System.out.println("LOCKED");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the test to close our input
                }
            }
        }
    }

    private Process holdInAnotherProcess(Path file) throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("LOCKED");
        return holder;
    }

    @Test
    void aLockHeldByAnotherProcessMakesTheWaiterGiveUpNamingTheHolder() throws Exception {
        LockFile lock = LockFile.forCertificate(dir, Path.of("/etc/x/homeserver.crt"));
        Process holder = holdInAnotherProcess(lock.path());
        try {
            assertThat(lock.holder()).get().asString().startsWith("pid " + holder.pid() + ", test holder, since ");
            assertThatThrownBy(() -> lock.acquire(Duration.ofMillis(300), "waiter"))
                    .isInstanceOf(TimeoutException.class)
                    .hasMessageStartingWith("the lock " + dir.resolve("acme-lock-homeserver.crt.lock")
                            + " was held for more than 300 ms by pid " + holder.pid() + ", test holder, since ");
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        try (LockFile.Held held = lock.acquire(Duration.ofSeconds(5), "after")) {
            assertThat(Files.readString(lock.path())).startsWith("pid " + ProcessHandle.current().pid() + ", after");
        }
        assertThat(lock.holder()).isEmpty();
    }

    @Test
    void theLockOfAKilledProcessIsFreeAtOnce() throws Exception {
        LockFile lock = new LockFile(dir.resolve("x.lock"));
        Process holder = holdInAnotherProcess(lock.path());
        holder.destroyForcibly();
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();

        try (LockFile.Held held = lock.acquire(Duration.ofSeconds(2), "after a crash")) {
            assertThat(held).isNotNull();
        }
    }

    @Test
    void twoHoldersInOneProcessTakeTurns() throws Exception {
        LockFile lock = new LockFile(dir.resolve("x.lock"));
        LockFile.Held first = lock.acquire(Duration.ofSeconds(1), "first");
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try (LockFile.Held held = new LockFile(dir.resolve("x.lock")).acquire(Duration.ofSeconds(10), "second")) {
                return System.nanoTime() - start;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(second).isNotDone();
        assertThat(lock.holder()).contains("this process");
        first.close();

        assertThat(second.get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThatThrownBy(() -> {
            try (LockFile.Held held = lock.acquire(Duration.ofSeconds(1), "again")) {
                new LockFile(dir.resolve("x.lock")).acquire(Duration.ofMillis(100), "nested");
            }
        }).isInstanceOf(TimeoutException.class).hasMessageContaining("held by another task of this process");
    }

    @Test
    void aSymlinkInPlaceOfTheLockFileIsRefusedNamingItAndItsTargetIsLeftAlone() throws Exception {
        Path victim = Files.writeString(dir.resolve("homeserver.yaml"), "server_name: example.org\n");
        Path lockPath = dir.resolve("x.lock");
        Files.createSymbolicLink(lockPath, victim);

        assertThatThrownBy(() -> new LockFile(lockPath).acquire(Duration.ofSeconds(1), "renew"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(lockPath.toString()).hasMessageContaining("symbolic link");

        assertThat(victim).hasContent("server_name: example.org");
        assertThat(Files.isSymbolicLink(lockPath)).isTrue();
    }

    @Test
    void aLockFileOwnedByAnotherUserIsRefusedNamingItAndLeftAsItIs() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a file away");
        Path lockPath = Files.writeString(dir.resolve("x.lock"), "someone else's file\n");
        Files.setOwner(lockPath, lockPath.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

        assertThatThrownBy(() -> new LockFile(lockPath).acquire(Duration.ofSeconds(1), "renew"))
                .isInstanceOf(IOException.class)
                .hasMessage(lockPath + ": belongs to nobody, not to root (this process) nor root (the folder's owner);"
                        + " it is left as it is (remove it if it is not needed)");

        assertThat(lockPath).hasContent("someone else's file");
    }

    @Test
    void rootTakesALockFileOfTheFoldersOwnerAsItIs() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a file away");
        var nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Path folder = Files.createDirectory(dir.resolve("state"));
        Files.setOwner(folder, nobody);
        Path lockPath = Files.writeString(folder.resolve("x.lock"), "");
        Files.setOwner(lockPath, nobody);

        try (LockFile.Held held = new LockFile(lockPath).acquire(Duration.ofSeconds(1), "admin command: renew")) {
            assertThat(Files.readString(lockPath)).contains("admin command: renew");
        }
        assertThat(Files.getOwner(lockPath)).isEqualTo(nobody);
    }

    @Test
    void aFolderInPlaceOfTheLockFileIsRefusedNamingIt() throws Exception {
        Path lockPath = Files.createDirectories(dir.resolve("x.lock"));

        assertThatThrownBy(() -> new LockFile(lockPath).acquire(Duration.ofSeconds(1), "renew"))
                .isInstanceOf(IOException.class).hasMessageContaining(lockPath.toString());
    }

    @Test
    void theLockFileIsOwnerOnlyAndStaysAfterRelease() throws Exception {
        LockFile lock = new LockFile(dir.resolve("sub/x.lock"));
        lock.acquire(Duration.ofSeconds(1), "once").close();

        assertThat(lock.path()).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock.path()))).isEqualTo("rw-------");
    }
}
