package dev.acmefilter.it;

import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Asks this module's {@code ProbeServlet} (added to the WAR under test at {@code /it-probe/*})
 * and reads its answer, which is in properties form.
 */
final class ProbeClient {

    private ProbeClient() {
    }

    /** GET {@code /it-probe/<path>} of the webapp at {@code base}; asserts a 200. */
    static Properties get(URL base, String path) throws Exception {
        HttpResponse<String> answer = ItEnvironment.get(base.toURI().resolve("/it-probe/" + path));
        assertThat(answer.statusCode()).as("GET /it-probe/" + path + ": " + answer.body()).isEqualTo(200);
        Properties p = new Properties();
        p.load(new StringReader(answer.body()));
        return p;
    }
}
