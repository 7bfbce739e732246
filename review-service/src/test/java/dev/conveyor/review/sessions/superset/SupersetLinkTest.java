package dev.conveyor.review.sessions.superset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SupersetLinkTest {

    static final URI BASE = URI.create("https://bi.example.com");

    @Test
    void dashboardById() {
        SupersetLink l = SupersetLink.parse("https://bi.example.com/superset/dashboard/7/", BASE);
        assertThat(l.kind()).isEqualTo(SupersetLink.Kind.DASHBOARD);
        assertThat(l.dashboard()).isEqualTo("7");
        assertThat(l.nativeFiltersKey()).isNull();
    }

    @Test
    void dashboardBySlugWithFilterStateKeyAndUrlParams() {
        SupersetLink l = SupersetLink.parse(
                "https://BI.example.com:443/superset/dashboard/sales-overview/?native_filters_key=AbC-12_x&country=FR&standalone=1",
                BASE);
        assertThat(l.dashboard()).isEqualTo("sales-overview");
        assertThat(l.nativeFiltersKey()).isEqualTo("AbC-12_x");
        assertThat(l.urlParams()).containsExactly(List.of("country", "FR"));
    }

    @Test
    void dashboardWithRisonNativeFilters() {
        SupersetLink l = SupersetLink.parse("https://bi.example.com/superset/dashboard/7/?native_filters="
                + "(NATIVE_FILTER-1:(filterState:(value:!(EMEA))))", BASE);
        assertThat(l.nativeFilters().at("/NATIVE_FILTER-1/filterState/value/0").asText()).isEqualTo("EMEA");
    }

    @Test
    void dashboardRisonPercentEncoded() {
        SupersetLink l = SupersetLink.parse("https://bi.example.com/superset/dashboard/7/?native_filters="
                + "%28NATIVE_FILTER-1%3A%28filterState%3A%28value%3A%27a%20b%27%29%29%29", BASE);
        assertThat(l.nativeFilters().at("/NATIVE_FILTER-1/filterState/value").asText()).isEqualTo("a b");
    }

    @Test
    void permalinks() {
        assertThat(SupersetLink.parse("https://bi.example.com/superset/dashboard/p/xK2pQ9/", BASE))
                .extracting(SupersetLink::kind, SupersetLink::permalinkKey)
                .containsExactly(SupersetLink.Kind.DASHBOARD_PERMALINK, "xK2pQ9");
        assertThat(SupersetLink.parse("https://bi.example.com/explore/p/Zz9/", BASE))
                .extracting(SupersetLink::kind, SupersetLink::permalinkKey)
                .containsExactly(SupersetLink.Kind.EXPLORE_PERMALINK, "Zz9");
        assertThat(SupersetLink.parse("https://bi.example.com/superset/explore/?permalink_key=Zz9", BASE).kind())
                .isEqualTo(SupersetLink.Kind.EXPLORE_PERMALINK);
    }

    @Test
    void exploreWithFormDataKeySliceAndDatasource() {
        SupersetLink l = SupersetLink.parse(
                "https://bi.example.com/explore/?form_data_key=k1&slice_id=12&datasource_id=3&datasource_type=table",
                BASE);
        assertThat(l.kind()).isEqualTo(SupersetLink.Kind.EXPLORE);
        assertThat(l.formDataKey()).isEqualTo("k1");
        assertThat(l.sliceId()).isEqualTo(12);
        assertThat(l.datasourceId()).isEqualTo(3);
        assertThat(l.datasourceType()).isEqualTo("table");
    }

    @Test
    void olderExploreLinkCarriesItsFormData() {
        SupersetLink l = SupersetLink.parse("https://bi.example.com/superset/explore/?form_data="
                + "%7B%22datasource%22%3A%2242__table%22%7D", BASE);
        assertThat(l.datasourceId()).isEqualTo(42);
    }

    @Test
    void datasetLinks() {
        assertThat(SupersetLink.parse("https://bi.example.com/tablemodelview/edit/5", BASE).datasourceId())
                .isEqualTo(5);
        assertThat(SupersetLink.parse("https://bi.example.com/dataset/6/", BASE).kind())
                .isEqualTo(SupersetLink.Kind.DATASET);
    }

    @Test
    void aBasePathIsRequiredAndStripped() {
        URI base = URI.create("http://localhost:8088/analytics/");
        assertThat(SupersetLink.parse("http://localhost:8088/analytics/superset/dashboard/3/", base).dashboard())
                .isEqualTo("3");
        assertThatThrownBy(() -> SupersetLink.parse("http://localhost:8088/superset/dashboard/3/", base))
                .hasMessageContaining("path");
    }

    @Test
    void theEnvironmentsOwnIpLiteralIsItsHost() {
        URI base = URI.create("http://10.0.0.5:8088");
        assertThat(SupersetLink.parse("http://10.0.0.5:8088/superset/dashboard/3/", base).dashboard()).isEqualTo("3");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://evil.example.com/superset/dashboard/7/",
            "https://bi.example.com.evil.com/superset/dashboard/7/",
            "https://bi.example.com:8443/superset/dashboard/7/",
            "http://bi.example.com/superset/dashboard/7/",
            "https://bi.example.com@evil.com/superset/dashboard/7/",
            "https://user:pw@bi.example.com/superset/dashboard/7/",
            "https://127.0.0.1/superset/dashboard/7/",
            "https://2130706433/superset/dashboard/7/",
            "https://0177.0.0.1/superset/dashboard/7/",
            "https://0x7f.0.0.1/superset/dashboard/7/",
            "https://[::1]/superset/dashboard/7/",
            "https://[0:0:0:0:0:ffff:7f00:1]/superset/dashboard/7/",
            "https://169.254.169.254/latest/meta-data/",
            "file:///etc/passwd",
            "ftp://bi.example.com/superset/dashboard/7/",
            "gopher://bi.example.com/",
            "javascript:alert(1)",
            "//bi.example.com/superset/dashboard/7/",
            "/superset/dashboard/7/",
            "https://bi.example.com/superset/dashboard/..%2F..%2Fapi%2Fv1%2Fsecurity/",
            "https://bi.example.com/superset/dashboard/7/../../../api/v1/database/",
            "https://bi.example.com/superset/dashboard/7/?native_filters_key=../../x",
            "https://bi.example.com/superset/dashboard/7/?native_filters=(broken",
            "https://bi.example.com/explore/?slice_id=1%2F..",
            "https://bi.example.com/explore/",
            "https://bi.example.com/api/v1/database/1/",
            "https://bi.example.com\\@evil.com/superset/dashboard/7/",
            "https://bi.example.com /superset/dashboard/7/",
            "not a link",
    })
    void refusesEverythingElse(String link) {
        assertThatThrownBy(() -> SupersetLink.parse(link, BASE)).isInstanceOf(SupersetLink.RefusedLink.class);
    }

    @ParameterizedTest
    @ValueSource(strings = { "127.0.0.1", "2130706433", "0177.0.0.1", "0x7f.1", "10.1", "[::1]", "::1" })
    void ipLiterals(String host) {
        assertThat(SupersetLink.isIpLiteral(host)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "localhost", "bi.example.com", "1password.com", "x0.example" })
    void namesAreNotIpLiterals(String host) {
        assertThat(SupersetLink.isIpLiteral(host)).isFalse();
    }
}
