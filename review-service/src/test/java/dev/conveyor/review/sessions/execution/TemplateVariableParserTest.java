package dev.conveyor.review.sessions.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.review.sessions.VariableKind;
import dev.conveyor.review.sessions.execution.TemplateVariableParser.Found;
import dev.conveyor.review.sessions.execution.TemplateVariableParser.Result;

class TemplateVariableParserTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, Found> byName(Result r) {
        return r.variables().stream().collect(Collectors.toMap(f -> f.kind().wire() + ":" + f.name(), f -> f));
    }

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void filterValuesInsideAnExpressionIsARequiredNativeFilterWithItsExactSnippet() {
        String sql = "SELECT * FROM orders WHERE region IN ({{ \"'\" + \"','\".join(filter_values('region')) + \"'\" }})";
        Result r = TemplateVariableParser.parse(sql, null);
        assertThat(r.problems()).isEmpty();
        Found v = byName(r).get("native_filter:region");
        assertThat(v.required()).isTrue();
        assertThat(v.defaultValue()).isNull();
        assertThat(v.expressionSource()).isEqualTo("{{ \"'\" + \"','\".join(filter_values('region')) + \"'\" }}");
        assertThat(r.variables()).hasSize(1);
    }

    @Test
    void getFiltersInAForLoopIsRequiredAndTheLoopVariableIsNoVariable() {
        String sql = "SELECT 1 {% for f in get_filters('country') %} AND {{ f.col }} = '{{ f.val }}'{% endfor %}";
        Result r = TemplateVariableParser.parse(sql, null);
        assertThat(byName(r).keySet()).containsExactly("native_filter:country");
        assertThat(byName(r).get("native_filter:country").required()).isTrue();
        assertThat(byName(r).get("native_filter:country").expressionSource())
                .isEqualTo("{% for f in get_filters('country') %}");
    }

    @Test
    void urlParamWithADefaultArgumentIsAnOptionalParameter() throws Exception {
        Result r = TemplateVariableParser.parse("SELECT * FROM t WHERE d >= '{{ url_param('start', '2024-01-01') }}'"
                + " AND d < '{{ url_param('end') }}'", null);
        Found start = byName(r).get("parameter:start");
        assertThat(start.required()).isFalse();
        assertThat(start.defaultValue()).isEqualTo(json("\"2024-01-01\""));
        assertThat(byName(r).get("parameter:end").required()).isTrue();
    }

    @Test
    void aNameFromTemplateParamsIsAParameterWithItsValueAsDefault() throws Exception {
        Result r = TemplateVariableParser.parse("SELECT * FROM t LIMIT {{ max_rows }}", json("{\"max_rows\": 500}"));
        Found v = byName(r).get("parameter:max_rows");
        assertThat(v.required()).isFalse();
        assertThat(v.defaultValue()).isEqualTo(json("500"));
    }

    @Test
    void theDefaultFilterMakesAVariableOptionalAndGivesItsValue() throws Exception {
        Result r = TemplateVariableParser.parse("SELECT * FROM t WHERE c IN ({{ filter_values('c')|join(',')|default('0') }})"
                + " AND k = {{ threshold | default(10) }}", null);
        assertThat(byName(r).get("unknown:threshold").required()).isFalse();
        assertThat(byName(r).get("unknown:threshold").defaultValue()).isEqualTo(json("10"));
        // the default wraps the join of the filter values
        assertThat(byName(r).get("native_filter:c").required()).isFalse();
        assertThat(byName(r).get("native_filter:c").defaultValue()).isEqualTo(json("\"0\""));
    }

    @Test
    void filterValuesDefaultArgumentPositionalOrNamed() throws Exception {
        Result r = TemplateVariableParser.parse("{{ filter_values('a', 'x') }} {{ filter_values('b', default='y') }}",
                null);
        assertThat(byName(r).get("native_filter:a").defaultValue()).isEqualTo(json("\"x\""));
        assertThat(byName(r).get("native_filter:a").required()).isFalse();
        assertThat(byName(r).get("native_filter:b").defaultValue()).isEqualTo(json("\"y\""));
    }

    @Test
    void aUseGuardedByAnIfOnTheSameVariableIsOptional() {
        String sql = "SELECT * FROM t WHERE 1 = 1\n"
                + "{% if filter_values('city') %} AND city IN ({{ filter_values('city')|join(',') }}){% endif %}";
        Result r = TemplateVariableParser.parse(sql, null);
        assertThat(byName(r).get("native_filter:city").required()).isFalse();
        assertThat(byName(r).get("native_filter:city").expressionSource()).isEqualTo("{% if filter_values('city') %}");
    }

    @Test
    void nestedIfAndForGuardOnlyWhatTheyTest() {
        String sql = "{% if url_param('mode') %}\n"
                + "  {% for v in filter_values('tag') %}{% if v %}'{{ v }}',{% endif %}{% endfor %}\n"
                + "  {{ url_param('mode') }}\n"
                + "{% endif %}";
        Result r = TemplateVariableParser.parse(sql, null);
        assertThat(r.problems()).isEmpty();
        assertThat(byName(r).keySet()).containsExactlyInAnyOrder("parameter:mode", "native_filter:tag");
        assertThat(byName(r).get("parameter:mode").required()).isFalse();
        assertThat(byName(r).get("native_filter:tag").required()).isTrue();
    }

    @Test
    void anElseBranchIsNotGuardedByTheCondition() {
        String sql = "{% if url_param('a') %}{{ url_param('a') }}{% elif url_param('b') %}{{ url_param('b') }}"
                + "{% else %}{{ url_param('c') }}{% endif %}";
        Map<String, Found> v = byName(TemplateVariableParser.parse(sql, null));
        assertThat(v.get("parameter:a").required()).isFalse();
        assertThat(v.get("parameter:b").required()).isFalse();
        assertThat(v.get("parameter:c").required()).isTrue();
    }

    @Test
    void aSetFromOtherVariablesIsDerivedAndItsLaterUseIsNoUnknown() {
        String sql = "{% set regions = filter_values('region')|join(\"','\") %}\n"
                + "{% set limit = 10 %}\n"
                + "SELECT * FROM t WHERE region IN ('{{ regions }}') LIMIT {{ limit }}";
        Result r = TemplateVariableParser.parse(sql, null);
        Map<String, Found> v = byName(r);
        assertThat(v.keySet()).containsExactlyInAnyOrder("derived:regions", "native_filter:region");
        assertThat(v.get("derived:regions").required()).isFalse();
        assertThat(v.get("derived:regions").expressionSource())
                .isEqualTo("{% set regions = filter_values('region')|join(\"','\") %}");
    }

    @Test
    void anUnknownFreeNameIsUnknownAndRequired_SupersetsOwnContextIsNoVariable() {
        Result r = TemplateVariableParser.parse("SELECT '{{ current_username() }}', '{{ from_dttm }}', "
                + "{{ tenant }} FROM {{ dataset(42) }}", null);
        assertThat(byName(r).keySet()).containsExactly("unknown:tenant");
        assertThat(byName(r).get("unknown:tenant").required()).isTrue();
    }

    @Test
    void aMissingEndTagIsASyntaxProblemWithItsLine() {
        Result r = TemplateVariableParser.parse("SELECT *\nFROM t\n{% if url_param('a') %} AND a = 1", null);
        assertThat(r.problems()).hasSize(1);
        assertThat(r.problems().get(0).message()).contains("endif");
        assertThat(r.problems().get(0).line()).isEqualTo(3);
    }

    @Test
    void aBrokenExpressionIsASyntaxProblemWithItsLineAndTheRestIsStillRead() {
        Result r = TemplateVariableParser.parse("SELECT {{ url_param('x') }}\nFROM t WHERE a = {{ 1 + }}", null);
        assertThat(r.problems()).hasSize(1);
        assertThat(r.problems().get(0).line()).isEqualTo(2);
        assertThat(r.problems().get(0).message()).contains("syntax error");
        assertThat(byName(r).keySet()).containsExactly("parameter:x");
    }

    @Test
    void plainSqlHasNoVariables() {
        Result r = TemplateVariableParser.parse("SELECT a, b FROM t WHERE c = 'x'", null);
        assertThat(r.variables()).isEmpty();
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void theKindsAreTheSeeds() {
        Result r = TemplateVariableParser.parse("{{ filter_values('a') }}{{ url_param('b') }}{{ c }}", null);
        assertThat(r.variables()).extracting(Found::kind).containsExactly(VariableKind.NATIVE_FILTER,
                VariableKind.PARAMETER, VariableKind.UNKNOWN);
    }
}
