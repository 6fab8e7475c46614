package edu.cu.ecomm.optout.marketingcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator;
import edu.cu.ecomm.optout.marketingcloud.MarketingCloudTokens.AccessToken;

class MarketingCloudTokensTest {

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-27T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private MarketingCloudEmulator emulator;
    private MarketingCloudProperties properties;
    private final MovableClock clock = new MovableClock();
    private MarketingCloudTokens tokens;

    @BeforeEach
    void startEmulator() throws IOException {
        emulator = MarketingCloudEmulator.forTests().start();
        properties = SubscriberStatusClientTest.propertiesFor(emulator);
        tokens = new MarketingCloudTokens(properties, SubscriberStatusClient.httpClient(properties), new ObjectMapper(), clock);
    }

    @AfterEach
    void stopEmulator() {
        emulator.stop();
    }

    @Test
    void clientCredentialsGetATokenForTheSoapInstance() {
        AccessToken token = tokens.current();

        assertThat(token.value()).isNotBlank();
        assertThat(token.soapEndpoint()).hasToString(emulator.baseUrl() + "/Service.asmx");
        assertThat(token.expiresAt()).isEqualTo(clock.instant().plusSeconds(1079));
        assertThat(token.toString()).doesNotContain(token.value());
    }

    @Test
    void theTokenIsReusedUntilShortlyBeforeItExpires() {
        AccessToken first = tokens.current();
        clock.advance(Duration.ofSeconds(1079 - 61));
        assertThat(tokens.current()).isEqualTo(first);

        clock.advance(Duration.ofSeconds(2));
        assertThat(tokens.current().value()).isNotEqualTo(first.value());
        assertThat(emulator.tokenRequests()).isEqualTo(2);
    }

    @Test
    void anInvalidatedTokenIsRenewedOnNextUse() {
        AccessToken first = tokens.current();
        tokens.invalidate(first);

        assertThat(tokens.current().value()).isNotEqualTo(first.value());
    }

    @Test
    void wrongCredentialsAreRefused() {
        properties.setClientSecret("not-the-secret");

        assertThatThrownBy(tokens::current)
                .isInstanceOf(MarketingCloudException.class)
                .hasMessageContaining("HTTP 401 invalid_client")
                .hasMessageNotContaining("not-the-secret");
    }

    @Test
    void anAccountTheClientCannotReachIsRefused() {
        properties.setAccountId(999L);

        assertThatThrownBy(tokens::current)
                .isInstanceOf(MarketingCloudException.class)
                .hasMessageContaining("HTTP 401");
    }

    @Test
    void aMissingAuthUrlIsAConfigurationError() {
        properties.setAuthBaseUrl("");

        assertThatThrownBy(tokens::current).hasMessageContaining("auth-base-url");
    }
}
