package dev.acmefilter.status;

/**
 * Prometheus' text exposition format (version 0.0.4), as much of it as the status needs:
 * metric families with {@code HELP} and {@code TYPE}, samples labelled
 * {@code certificate="<id>"}, some with one more label. Label values are escaped as the format says (backslash,
 * double quote, line feed); help texts likewise (backslash, line feed).
 */
final class PrometheusText {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder();
    private String name;

    /** Starts a metric family; the samples that follow belong to it. */
    void family(String name, String type, String help) {
        this.name = name;
        out.append("# HELP ").append(name).append(' ')
                .append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    void sample(String certificate, long value) {
        sample("certificate", certificate, value);
    }

    void sample(String labelName, String labelValue, long value) {
        out.append(name).append('{').append(labelName).append("=\"").append(label(labelValue)).append("\"} ")
                .append(value).append('\n');
    }

    /** A sample with one more label, {@code name="value"}, after the certificate's. */
    void sample(String certificate, String name, String value, long sample) {
        out.append(this.name).append("{certificate=\"").append(label(certificate)).append("\",").append(name)
                .append("=\"").append(label(value)).append("\"} ").append(sample).append('\n');
    }

    static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
