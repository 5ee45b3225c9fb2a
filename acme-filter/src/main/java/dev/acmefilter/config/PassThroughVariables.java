package dev.acmefilter.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code env} key of {@code acme.reload} and {@code acme.alerts}: names of this process's
 * environment variables that a hook also gets. Hooks start with a minimal environment (PATH
 * and the documented {@code ACME_*} variables), not the container's whole one, which may hold
 * database passwords and tokens a notification script has no business seeing; what a hook
 * really needs (a proxy, {@code HOME}, a locale) is listed here by name.
 */
final class PassThroughVariables {

    static final String KEY = "env";
    static final String EXPECTED = "a list of environment variable names, such as [HOME, LANG, https_proxy]";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private PassThroughVariables() {
    }

    /** The names listed under {@code env} of {@code section}, in order, each once; absent: none. */
    static List<String> parse(Section section) {
        List<String> names = new ArrayList<>();
        for (String name : section.strings(KEY, EXPECTED, true)) {
            String trimmed = name.trim();
            if (!NAME.matcher(trimmed).matches()) {
                throw section.valueError(KEY, Shown.quote(name) + " is not a variable name", EXPECTED
                        + " (letters, digits and _, not starting with a digit; no values: they are taken from "
                        + "this process's environment)");
            }
            if (!names.contains(trimmed)) {
                names.add(trimmed);
            }
        }
        return List.copyOf(names);
    }
}
