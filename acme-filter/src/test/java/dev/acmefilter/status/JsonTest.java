package dev.acmefilter.status;

import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checked against an independent parser (jose4j's, already on the class path through acme4j). */
class JsonTest {

    private static Map<String, Object> parse(String json) throws Exception {
        return JsonUtil.parseJson(json);
    }

    @Test
    void nastyStringsSurviveARoundTrip() throws Exception {
        List<String> nasty = List.of("quote \" backslash \\ slash /", "line\nfeed\r\ttab\b\f",
                "control \u0000 \u0001 \u001f \u007f", "separators \u2028 \u2029", "emoji \uD83D\uDD12 é ß",
                "</script><!--", "lone \uD800 surrogate");
        Map<String, Object> doc = new LinkedHashMap<>();
        for (int i = 0; i < nasty.size(); i++) {
            doc.put("k" + i + nasty.get(i), nasty.get(i));
        }

        String json = Json.write(doc);
        Map<String, Object> back = parse(json);

        for (int i = 0; i < nasty.size() - 1; i++) {
            assertThat(back.get("k" + i + nasty.get(i))).isEqualTo(nasty.get(i));
        }
        assertThat(back.get("k6" + nasty.get(6))).as("a lone surrogate is kept as an escape")
                .isEqualTo("lone \uD800 surrogate");
        assertThat(json).contains("\\u2028", "\\u0000", "\\ud800").doesNotContain("\u2028");
    }

    @Test
    void valuesKeepTheirTypesAndOrder() throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("z", 1);
        doc.put("a", 9_000_000_000L);
        doc.put("t", true);
        doc.put("n", null);
        doc.put("o", Optional.empty());
        doc.put("p", Optional.of("x"));
        doc.put("at", Instant.parse("2026-06-01T10:00:00Z"));
        doc.put("list", List.of(1, "two", List.of(), Map.of()));
        doc.put("nan", Double.NaN);

        String json = Json.write(doc);
        Map<String, Object> back = parse(json);

        assertThat(back.keySet()).containsExactly("z", "a", "t", "n", "o", "p", "at", "list", "nan");
        assertThat(back.get("z")).isEqualTo(1L);
        assertThat(back.get("a")).isEqualTo(9_000_000_000L);
        assertThat(back.get("t")).isEqualTo(true);
        assertThat(back.get("n")).isNull();
        assertThat(back.get("o")).isNull();
        assertThat(back.get("p")).isEqualTo("x");
        assertThat(back.get("at")).isEqualTo("2026-06-01T10:00:00Z");
        assertThat(back.get("list")).isEqualTo(List.of(1L, "two", List.of(), Map.of()));
        assertThat(back.get("nan")).isNull();
        assertThat(json).startsWith("{\n  \"z\": 1,\n  \"a\": 9000000000,");
    }

    @Test
    void anUnknownTypeIsRefusedRatherThanWrittenAsToString() {
        assertThatThrownBy(() -> Json.write(Map.of("key", new Object())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no JSON form for");
        assertThatThrownBy(() -> Json.write(Arrays.asList(new char[] {'a'})))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anObjectKeepsItsKeysInOrderWithTheirNulls() throws Exception {
        Map<String, Object> object = Json.object("z", 1, "a", null, "m", Json.object("inner", "x"));

        assertThat(object.keySet()).containsExactly("z", "a", "m");
        assertThat(Json.write(object)).isEqualTo("{\n  \"z\": 1,\n  \"a\": null,\n  \"m\": {\n    \"inner\": \"x\"\n  }\n}\n");
        assertThat(parse(Json.write(object))).containsEntry("a", null).containsEntry("z", 1L);
    }

    @Test
    void anObjectWithAKeyMissingItsValueOrANonStringKeyIsRefused() {
        assertThatThrownBy(() -> Json.object("a", 1, "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a key without a value: b");
        assertThatThrownBy(() -> Json.object(1, "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a key: 1");
    }
}
