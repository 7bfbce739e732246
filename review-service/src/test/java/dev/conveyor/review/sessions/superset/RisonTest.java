package dev.conveyor.review.sessions.superset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RisonTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "(a:1,b:!(x,'y z'))|{\"a\":1,\"b\":[\"x\",\"y z\"]}",
            "!t|true",
            "!f|false",
            "!n|null",
            "()|{}",
            "!()|[]",
            "-1.5e3|-1.5E+3",
            "42|42",
            "'it!'s'|\"it's\"",
            "'a!!b'|\"a!b\"",
            "''|\"\"",
            "abc-def_1.x|\"abc-def_1.x\"",
            "('key with space':!(1,!t,!n))|{\"key with space\":[1,true,null]}",
            "(NATIVE_FILTER-abc:(id:NATIVE_FILTER-abc,extraFormData:(filters:!((col:region,op:IN,val:!(EMEA,APAC)))),filterState:(value:!(EMEA,APAC))))"
                    + "|{\"NATIVE_FILTER-abc\":{\"id\":\"NATIVE_FILTER-abc\",\"extraFormData\":{\"filters\":[{\"col\":\"region\",\"op\":\"IN\",\"val\":[\"EMEA\",\"APAC\"]}]},\"filterState\":{\"value\":[\"EMEA\",\"APAC\"]}}}",
    })
    void decodes(String rison, String json) {
        assertThat(Rison.decode(rison).toString()).isEqualTo(json);
    }

    @ParameterizedTest
    @ValueSource(strings = { "(a:1", "!(1,2", "'open", "!x", "(a:1)b", "(:1)", "(a 1)", "'bad!escape'", "-", "1.",
            "(a:1,a:2)", "!" })
    void refusesWhatIsNotRison(String bad) {
        assertThatThrownBy(() -> Rison.decode(bad)).isInstanceOf(Rison.RisonException.class)
                .hasMessageContaining("position");
    }
}
