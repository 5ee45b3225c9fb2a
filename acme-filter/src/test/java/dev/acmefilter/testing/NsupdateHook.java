package dev.acmefilter.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The dns-01 hook an admin would write for a DNS server that speaks RFC 2136: {@code nsupdate}
 * with the TSIG key file, adding the value on {@code present} and deleting it on
 * {@code cleanup}, any other step an error (exit 2). So that a test can see how it was
 * called, each call appends its arguments ({@code step name value}) as a line to
 * {@code calls.txt} beside the script and writes its environment to {@code env.txt} there.
 */
public final class NsupdateHook {

    private NsupdateHook() {
    }

    /**
     * Writes the hook at {@code script} (mode 0700), for the server at 127.0.0.1:{@code port}.
     *
     * @return {@code script}
     */
    public static Path write(Path script, int port, Path keyFile) throws IOException {
        Path folder = script.toAbsolutePath().getParent();
        Files.writeString(script, """
                #!/bin/sh
                echo "$@" >> '%1$s'
                env > '%2$s'
                case "$1" in
                  present) op=add ;;
                  cleanup) op=delete ;;
                  *) echo "unknown step $1" >&2; exit 2 ;;
                esac
                printf 'server 127.0.0.1 %3$d\\nupdate %%s %%s 60 TXT "%%s"\\nsend\\n' "$op" "$2" "$3" \\
                  | nsupdate -k '%4$s'
                """.formatted(calls(script), folder.resolve("env.txt"), port, keyFile), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** The file the hook at {@code script} appends its calls to. */
    public static Path calls(Path script) {
        return script.toAbsolutePath().getParent().resolve("calls.txt");
    }
}
