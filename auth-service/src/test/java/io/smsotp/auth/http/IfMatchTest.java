package io.smsotp.auth.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IfMatchTest {

    @Test
    void noHeaderIsNoPrecondition() {
        assertThat(IfMatch.parse(null)).isNull();
        assertThat(IfMatch.parse("  ")).isNull();
    }

    @Test
    void matchesAQuotedTagOneOfAListOrAnyVersionForAStar() {
        assertThat(IfMatch.parse("\"v1\"")).accepts("v1").rejects("v2", "\"v1\"");
        assertThat(IfMatch.parse("\"v1\", \"v2\"")).accepts("v1", "v2").rejects("v3");
        assertThat(IfMatch.parse("*")).accepts("v1", "anything");
        assertThat(IfMatch.parse("v1")).as("quotes left out").accepts("v1");
    }

    @Test
    void aWeakTagNeverMatchesAWrite() {
        assertThat(IfMatch.parse("W/\"v1\"")).rejects("v1");
        assertThat(IfMatch.parse("W/\"v1\", \"v2\"")).rejects("v1").accepts("v2");
    }

    @Test
    void theEtagOfAVersionIsAStrongTagItsIfMatchAccepts() {
        assertThat(IfMatch.etag("abc")).isEqualTo("\"abc\"");
        assertThat(IfMatch.parse(IfMatch.etag("abc"))).accepts("abc");
        assertThat(IfMatch.of("abc")).accepts("abc").rejects("abd");
    }
}
