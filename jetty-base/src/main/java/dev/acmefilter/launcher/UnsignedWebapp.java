package dev.acmefilter.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Locale;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Build step (run by Maven when the package is assembled): unpacks acme.war into the folder
 * that the service's Jetty deploys as it is ({@code webapp/}), with the signatures of the jars
 * in WEB-INF/lib removed (BouncyCastle's are signed). A JVM does not put classes of signed jars
 * into its class-data archive ({@link ClassDataArchive}) and checks every one of them as it
 * loads it (bench/run-all.sh). Unpacked at build time, nothing is unpacked at a start, and the
 * installed folder can stay read-only. Only the signature files go:
 * every class file stays byte for byte as the build (and Maven's checksums) had it. The
 * webapp never registers BouncyCastle as a JCA provider, so no JDK needs these jars signed.
 *
 * <p>{@code java UnsignedWebapp acme.war folder}: replaces {@code folder} (through a
 * sibling temporary folder, so that an interrupted run leaves no half folder behind).
 */
public final class UnsignedWebapp {

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: UnsignedWebapp acme.war folder");
            System.exit(2);
        }
        Path war = Path.of(args[0]);
        Path folder = Path.of(args[1]).toAbsolutePath();
        Path work = folder.resolveSibling(folder.getFileName() + ".new");
        delete(work);
        Files.createDirectories(work);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(war))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                Path target = work.resolve(entry.getName()).normalize();
                if (!target.startsWith(work)) {
                    throw new IOException(war + ": entry outside the folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.getName().startsWith("WEB-INF/lib/") && entry.getName().endsWith(".jar")) {
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        copyWithoutSignatures(in, out);
                    }
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
        Path old = folder.resolveSibling(folder.getFileName() + ".old");
        delete(old);
        if (Files.exists(folder)) {
            Files.move(folder, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(work, folder, StandardCopyOption.ATOMIC_MOVE);
        delete(old);
    }

    /**
     * Copies a jar, leaving out META-INF/*.SF, *.RSA, *.DSA and *.EC, and the manifest's
     * per-entry sections (the digests that only the signature used). BouncyCastle's manifests
     * list every class with its digest (7,383 sections, 1 MiB); a class loader keeps a jar's
     * manifest parsed in the heap for as long as it runs: 4 MiB of a 17 MiB heap. The main
     * section (Multi-Release, Automatic-Module-Name, the bundle headers) stays as it was.
     */
    static void copyWithoutSignatures(InputStream jar, OutputStream target) throws IOException {
        ZipInputStream in = new ZipInputStream(jar);
        try (ZipOutputStream out = new ZipOutputStream(target)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (isSignature(entry.getName())) {
                    continue;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                    Manifest manifest = new Manifest(in);
                    manifest.getEntries().clear();
                    manifest.write(out);
                } else {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    static boolean isSignature(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return upper.startsWith("META-INF/") && upper.indexOf('/', "META-INF/".length()) < 0
                && (upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA") || upper.endsWith(".EC"));
    }

    private static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
