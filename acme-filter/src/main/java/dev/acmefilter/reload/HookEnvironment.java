package dev.acmefilter.reload;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The whole environment of a hook (reload command, alert command, the {@code kill} that sends
 * a reload signal): {@code PATH}, the variables the admin listed by name ({@code acme.reload.env},
 * {@code acme.alerts.env}) as this process has them, and the documented {@code ACME_*}
 * variables, which win over a listed name. Nothing else: a servlet container's environment
 * may hold database passwords, cloud credentials and tokens that a notification script has no
 * business seeing, and that a script which logs its environment would leak.
 */
public final class HookEnvironment {

    /** Debian's default {@code PATH}, for a JVM started without one. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private HookEnvironment() {
    }

    /**
     * @param passThrough names of variables to copy from {@code inherited} when it has them
     * @param documented  the {@code ACME_*} variables of this hook
     * @param inherited   this process's environment ({@code System::getenv})
     * @return the child's complete environment
     */
    public static Map<String, String> of(List<String> passThrough, Map<String, String> documented,
                                         UnaryOperator<String> inherited) {
        Objects.requireNonNull(documented, "documented");
        Map<String, String> env = new LinkedHashMap<>();
        String path = inherited.apply("PATH");
        env.put("PATH", path == null || path.isBlank() ? DEFAULT_PATH : path);
        for (String name : passThrough) {
            String value = inherited.apply(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putAll(documented);
        return env;
    }

    /** {@link #of(List, Map, UnaryOperator)} from this process's environment. */
    public static Map<String, String> of(List<String> passThrough, Map<String, String> documented) {
        return of(passThrough, documented, System::getenv);
    }
}
