package dev.acmefilter.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contents of {@code tsig_secret_file}: either the {@code key "name" { algorithm ...;
 * secret "..."; };} block(s) {@code tsig-keygen} and {@code ddns-confgen} print (the file
 * BIND itself includes), or the base64 secret alone (what Knot's {@code keymgr -t} gives,
 * cut out). Read bounded, from a regular file only; no message ever quotes the file's text.
 *
 * @param name      the key's name in the block, when the file holds a block
 * @param algorithm the algorithm in the block, when it names one
 * @param secret    the base64 secret
 */
record TsigKeyFile(Optional<String> name, Optional<String> algorithm, String secret) {

    /** A key file is a few hundred bytes; anything much larger is not one. */
    static final int MAX_BYTES = 64 * 1024;

    private static final Pattern BLOCK = Pattern.compile("key\\s+\"?([^\"\\s{]+)\"?\\s*\\{(.*?)\\}\\s*;",
            Pattern.DOTALL);
    private static final Pattern ALGORITHM = Pattern.compile("algorithm\\s+\"?([A-Za-z0-9-]+)\"?\\s*;");
    private static final Pattern SECRET = Pattern.compile("secret\\s+\"([A-Za-z0-9+/=\\s]+)\"\\s*;");
    private static final Pattern BARE_SECRET = Pattern.compile("[A-Za-z0-9+/]+={0,2}");

    /**
     * Reads the key called {@code wanted} (any key when null and the file holds one) from
     * {@code file}.
     *
     * @throws IllegalArgumentException saying what is wrong with the file, never quoting it
     */
    static TsigKeyFile read(Path file, String wanted) {
        String text = text(file);
        List<TsigKeyFile> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            Matcher secret = SECRET.matcher(m.group(2));
            Matcher algorithm = ALGORITHM.matcher(m.group(2));
            String name = absolute(m.group(1));
            if (!secret.find()) {
                throw new IllegalArgumentException(file + " holds the key " + name + " without its secret \"...\";");
            }
            blocks.add(new TsigKeyFile(Optional.of(name),
                    algorithm.find() ? Optional.of(algorithm.group(1).toLowerCase(Locale.ROOT)) : Optional.empty(),
                    secret.group(1).replaceAll("\\s", "")));
        }
        if (blocks.isEmpty()) {
            String bare = text.strip();
            if (!BARE_SECRET.matcher(bare).matches()) {
                throw new IllegalArgumentException(file + " holds neither a key block (key \"name\" { algorithm ...;"
                        + " secret \"...\"; };, as tsig-keygen prints it) nor a base64 secret alone");
            }
            return new TsigKeyFile(Optional.empty(), Optional.empty(), bare);
        }
        if (wanted == null) {
            if (blocks.size() > 1) {
                throw new IllegalArgumentException(file + " holds " + blocks.size() + " keys (" + names(blocks)
                        + "), and tsig_key does not say which one to use");
            }
            return blocks.get(0);
        }
        String name = absolute(wanted);
        return blocks.stream().filter(b -> b.name().orElseThrow().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(file + " holds the key" + (blocks.size() > 1 ? "s "
                        : " ") + names(blocks) + ", not " + name));
    }

    private static String names(List<TsigKeyFile> blocks) {
        return String.join(", ", blocks.stream().map(b -> b.name().orElseThrow()).toList());
    }

    private static String absolute(String name) {
        String n = name.strip();
        return n.endsWith(".") ? n : n + ".";
    }

    /** The file's text: a regular file of at most {@link #MAX_BYTES}, in UTF-8 (or ASCII). */
    private static String text(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read (" + reason(e) + ")", e);
        }
        if (!attributes.isRegularFile()) {
            throw new IllegalArgumentException(file + " is not a regular file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalArgumentException(file + " is larger than " + MAX_BYTES + " bytes; it is not a key"
                        + " file");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read (" + reason(e) + ")", e);
        }
    }

    private static String reason(IOException e) {
        return e instanceof AccessDeniedException ? "permission denied"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The secret stays out of every text. */
    @Override
    public String toString() {
        return "TsigKeyFile[" + name.orElse("(no name)") + " " + algorithm.orElse("(no algorithm)")
                + ", secret hidden]";
    }
}
