package io.smsotp.auth.self;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SelfClientTest {

    @Test
    void theAccountGuardsItsPagesButNotItsWayInOrItsStyles() {
        SelfClient a = SelfClient.ACCOUNT;

        assertThat(a.guards("/account")).isTrue();
        assertThat(a.guards("/account/mobile")).isTrue();
        assertThat(a.guards("/account/signout")).as("signing out needs the session and its CSRF token").isTrue();
        assertThat(a.guards("/account/signin")).isFalse();
        assertThat(a.guards("/account/callback")).isFalse();
        assertThat(a.guards("/account/signed-out")).isFalse();
        assertThat(a.guards("/account/assets/pages.css")).isFalse();
        assertThat(a.guards("/accounts")).isFalse();
        assertThat(a.guards("/admin")).isFalse();
    }

    @Test
    void theConsoleGuardsItsPagesButLeavesTheAdminApiToItsKeys() {
        SelfClient c = SelfClient.CONSOLE;

        assertThat(c.guards("/admin")).isTrue();
        assertThat(c.guards("/admin/users")).isTrue();
        assertThat(c.guards("/admin/api/v1/apps")).isFalse();
        assertThat(c.guards("/admin/callback")).isFalse();
        assertThat(c.requiredRole()).isEqualTo("admin");
    }

    @Test
    void eachAreaHasCookiesOfItsOwn() {
        assertThat(SelfClient.ACCOUNT.sessionCookie()).isEqualTo("smsotp_account_session");
        assertThat(SelfClient.CONSOLE.sessionCookie()).isEqualTo("smsotp_console_session");
        assertThat(SelfClient.ACCOUNT.signInCookie()).isEqualTo("smsotp_account_signin");
    }
}
