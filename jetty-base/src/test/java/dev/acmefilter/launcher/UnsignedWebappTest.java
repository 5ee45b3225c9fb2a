package dev.acmefilter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnsignedWebappTest {

    @TempDir
    Path dir;

    private static byte[] zip(String... namesAndContents) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                out.putNextEntry(new ZipEntry(namesAndContents[i]));
                out.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private Path war(byte[] jar, String... more) throws IOException {
        Path war = dir.resolve("acme.war");
        try (OutputStream file = Files.newOutputStream(war); ZipOutputStream out = new ZipOutputStream(file)) {
            out.putNextEntry(new ZipEntry("WEB-INF/lib/bcprov.jar"));
            out.write(jar);
            out.closeEntry();
            for (int i = 0; i < more.length; i += 2) {
                out.putNextEntry(new ZipEntry(more[i]));
                out.write(more[i + 1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return war;
    }

    @Test
    void theJarsLoseTheirSignatureFilesAndKeepEveryClassByteForByte() throws Exception {
        byte[] signed = zip("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n", "META-INF/BC.SF", "sig",
                "META-INF/BC.RSA", "block", "META-INF/sub/x.SF", "not a signature",
                "org/bouncycastle/A.class", "\u00ca\u00fe bytes");
        Path folder = dir.resolve("webapp");

        UnsignedWebapp.main(new String[] {war(signed, "WEB-INF/web.xml", "<web-app/>").toString(), folder.toString()});

        assertThat(folder.resolve("WEB-INF/web.xml")).hasContent("<web-app/>");
        try (ZipFile jar = new ZipFile(folder.resolve("WEB-INF/lib/bcprov.jar").toFile())) {
            assertThat(jar.stream().map(ZipEntry::getName))
                    .containsExactly("META-INF/MANIFEST.MF", "META-INF/sub/x.SF", "org/bouncycastle/A.class");
            assertThat(jar.getInputStream(jar.getEntry("org/bouncycastle/A.class")).readAllBytes())
                    .isEqualTo("\u00ca\u00fe bytes".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theManifestKeepsItsMainSectionAndLosesThePerClassDigests() throws Exception {
        byte[] signed = zip("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMulti-Release: true\n"
                + "Automatic-Module-Name: org.bouncycastle.provider\n\n"
                + "Name: org/bouncycastle/A.class\nSHA-256-Digest: q1w2e3=\n\n", "org/bouncycastle/A.class", "x");
        Path folder = dir.resolve("webapp");

        UnsignedWebapp.main(new String[] {war(signed).toString(), folder.toString()});

        try (JarFile jar = new JarFile(folder.resolve("WEB-INF/lib/bcprov.jar").toFile())) {
            Manifest manifest = jar.getManifest();
            assertThat(manifest.getEntries()).isEmpty();
            assertThat(manifest.getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
            assertThat(manifest.getMainAttributes().getValue("Automatic-Module-Name"))
                    .isEqualTo("org.bouncycastle.provider");
            assertThat(jar.isMultiRelease()).isTrue();
        }
    }

    @Test
    void aWarEntryOutsideTheFolderIsRefusedAndTheFolderLeftAsItWas() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("webapp"));
        Files.writeString(folder.resolve("old"), "kept");
        Path war = war(zip("a", "b"), "../../evil", "x");

        assertThatThrownBy(() -> UnsignedWebapp.main(new String[] {war.toString(), folder.toString()}))
                .isInstanceOf(IOException.class).hasMessageContaining("entry outside the folder: ../../evil");
        assertThat(folder.resolve("old")).hasContent("kept");
        assertThat(dir.resolve("evil")).doesNotExist();
    }

    @Test
    void onlyTopLevelSignatureFilesCount() {
        assertThat(UnsignedWebapp.isSignature("META-INF/BC2048KE.DSA")).isTrue();
        assertThat(UnsignedWebapp.isSignature("meta-inf/x.ec")).isTrue();
        assertThat(UnsignedWebapp.isSignature("META-INF/MANIFEST.MF")).isFalse();
        assertThat(UnsignedWebapp.isSignature("META-INF/versions/9/x.SF")).isFalse();
        assertThat(UnsignedWebapp.isSignature("x.SF")).isFalse();
    }
}
