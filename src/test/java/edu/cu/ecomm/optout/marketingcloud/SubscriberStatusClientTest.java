package edu.cu.ecomm.optout.marketingcloud;

import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.BOULDER_MID;
import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.DENVER_MID;
import static edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator.PARENT_MID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator;
import edu.cu.ecomm.optout.marketingcloud.MarketingCloudProperties.BusinessUnit;

/** The production client against the Marketing Cloud emulator over real sockets. */
class SubscriberStatusClientTest {

    private static final String ALICE = "0035e00000AbCdEAAZ";
    private static final String BOB = "0035e00000BbCdEAAZ";
    private static final String CAROL = "0035e00000CbCdEAAZ";

    private MarketingCloudEmulator emulator;
    private MarketingCloudProperties properties;
    private SubscriberStatusClient client;

    @BeforeEach
    void startEmulator() throws IOException {
        emulator = MarketingCloudEmulator.forTests().start();
        properties = propertiesFor(emulator);
        client = SubscriberStatusClient.create(properties, new ObjectMapper(), Clock.systemUTC());
    }

    @AfterEach
    void stopEmulator() {
        emulator.stop();
    }

    static MarketingCloudProperties propertiesFor(MarketingCloudEmulator emulator) {
        MarketingCloudProperties properties = new MarketingCloudProperties();
        properties.setAuthBaseUrl(emulator.baseUrl());
        properties.setClientId(emulator.clientId());
        properties.setClientSecret(emulator.clientSecret());
        properties.setAccountId(PARENT_MID);
        properties.setConnectTimeout(Duration.ofSeconds(2));
        properties.setRequestTimeout(Duration.ofSeconds(5));
        properties.setBusinessUnits(new ArrayList<>(List.of(new BusinessUnit(PARENT_MID, "CU System"),
                new BusinessUnit(BOULDER_MID, "CU Boulder"), new BusinessUnit(DENVER_MID, "CU Denver"))));
        return properties;
    }

    private static String key(int i) {
        return String.format("0035e%08dAAAAA", i);
    }

    @Test
    void everyStatusInEveryBusinessUnitIsReturned() {
        emulator.seed(PARENT_MID, ALICE, "alice@example.edu", "Active");
        emulator.seed(BOULDER_MID, ALICE, "alice@example.edu", "Bounced");
        emulator.seed(DENVER_MID, ALICE, "alice@example.edu", "Held");
        emulator.seed(PARENT_MID, BOB, "bob@example.edu", "Unsubscribed");
        emulator.seed(DENVER_MID, BOB, "bob@example.edu", "Deleted");

        assertThat(client.lookUp(List.of(ALICE, BOB))).containsExactlyInAnyOrder(
                new SubscriberStatus(ALICE, PARENT_MID, "Active", "alice@example.edu"),
                new SubscriberStatus(ALICE, BOULDER_MID, "Bounced", "alice@example.edu"),
                new SubscriberStatus(ALICE, DENVER_MID, "Held", "alice@example.edu"),
                new SubscriberStatus(BOB, PARENT_MID, "Unsubscribed", "bob@example.edu"),
                new SubscriberStatus(BOB, DENVER_MID, "Deleted", "bob@example.edu"));
    }

    @Test
    void greenInTheParentAndRedInAChildAreBothReturned() {
        emulator.seed(PARENT_MID, ALICE, "alice@example.edu", "Active");
        emulator.seed(DENVER_MID, ALICE, "alice@example.edu", "Unsubscribed");

        assertThat(client.lookUp(List.of(ALICE))).containsExactlyInAnyOrder(
                new SubscriberStatus(ALICE, PARENT_MID, "Active", "alice@example.edu"),
                new SubscriberStatus(ALICE, DENVER_MID, "Unsubscribed", "alice@example.edu"));
    }

    @Test
    void aSubscriberFoundNowhereIsAbsentFromTheResult() {
        emulator.seed(PARENT_MID, ALICE, "alice@example.edu", "Active");

        assertThat(client.lookUp(List.of(ALICE, CAROL))).extracting(SubscriberStatus::subscriberKey)
                .containsOnly(ALICE);
        assertThat(client.lookUp(List.of(CAROL))).isEmpty();
    }

    @Test
    void noKeysCostNoCall() {
        assertThat(client.lookUp(List.of())).isEmpty();
        assertThat(emulator.soapCalls()).isZero();
        assertThat(emulator.tokenRequests()).isZero();
    }

    @Test
    void twoHundredFiftyKeysAreLookedUpInAtMostThreeSoapCalls() {
        List<String> keys = IntStream.range(0, 250).mapToObj(SubscriberStatusClientTest::key).toList();
        keys.forEach(k -> emulator.seedEverywhere(k, k + "@example.edu", "Active"));

        List<SubscriberStatus> found = client.lookUp(keys);

        assertThat(found).hasSize(750);
        assertThat(found).extracting(SubscriberStatus::subscriberKey).containsAll(keys);
        assertThat(emulator.retrieveCalls()).isLessThanOrEqualTo(3);
        assertThat(emulator.soapRequests()).allMatch(r -> r.contains("<SimpleOperator>IN</SimpleOperator>"));
    }

    @Test
    void batchSizeBoundsTheKeysPerRetrieve() {
        properties.setBatchSize(100);
        List<String> keys = IntStream.range(0, 250).mapToObj(SubscriberStatusClientTest::key).toList();

        client.lookUp(keys);

        assertThat(emulator.retrieveCalls()).isEqualTo(3);
        assertThat(emulator.soapRequests().get(0).split("<Value>", -1)).hasSize(101);
    }

    @Test
    void moreDataAvailablePagesAreFollowedWithContinueRequest() {
        emulator.setPageSize(7);
        List<String> keys = IntStream.range(0, 10).mapToObj(SubscriberStatusClientTest::key).toList();
        keys.forEach(k -> emulator.seedEverywhere(k, k + "@example.edu", "Held"));

        List<SubscriberStatus> found = client.lookUp(keys);

        assertThat(found).hasSize(30).doesNotHaveDuplicates();
        assertThat(emulator.retrieveCalls()).isEqualTo(5);
        assertThat(emulator.soapRequests().subList(1, 5)).allMatch(r -> r.contains("<ContinueRequest>"));
    }

    @Test
    void keysAreEscapedInTheRequest() {
        String odd = "<a&b>\"'";
        emulator.seed(BOULDER_MID, odd, "odd@example.edu", "Active");

        assertThat(client.lookUp(List.of(odd)))
                .containsExactly(new SubscriberStatus(odd, BOULDER_MID, "Active", "odd@example.edu"));
    }

    @Test
    void withoutQueryAllAccountsOnlyTheConfiguredUnitsAreAsked() {
        properties.setQueryAllAccounts(false);
        properties.setBusinessUnits(new ArrayList<>(List.of(new BusinessUnit(PARENT_MID, "CU System"),
                new BusinessUnit(BOULDER_MID, "CU Boulder"))));
        emulator.seedEverywhere(ALICE, "alice@example.edu", "Active");

        assertThat(client.lookUp(List.of(ALICE))).extracting(SubscriberStatus::mid)
                .containsExactlyInAnyOrder(PARENT_MID, BOULDER_MID);
        assertThat(emulator.lastSoapRequest()).contains("<ClientIDs>").doesNotContain("QueryAllAccounts");
    }

    @Test
    void anExpiredTokenIsRenewedTransparently() {
        emulator.seed(PARENT_MID, ALICE, "alice@example.edu", "Active");
        client.lookUp(List.of(ALICE));
        emulator.expireAllTokens();

        assertThat(client.lookUp(List.of(ALICE))).hasSize(1);
        assertThat(emulator.tokenRequests()).isEqualTo(2);
        assertThat(emulator.retrieveCalls()).isEqualTo(3);
    }

    @Nested
    class WhenMarketingCloudFails {

        @Test
        void aSoapFaultIsAMarketingCloudExceptionAndTheNextCallRecovers() {
            emulator.seed(PARENT_MID, ALICE, "alice@example.edu", "Active");
            emulator.failNextRequests(1);

            assertThatThrownBy(() -> client.lookUp(List.of(ALICE)))
                    .isInstanceOf(MarketingCloudException.class)
                    .hasMessageContaining("Server");
            assertThat(client.lookUp(List.of(ALICE))).hasSize(1);
        }

        @Test
        void aFaultOnAContinuationPageFailsTheWholeLookUp() {
            emulator.setPageSize(1);
            emulator.seedEverywhere(ALICE, "alice@example.edu", "Active");
            emulator.failRequests(1, 1);

            assertThatThrownBy(() -> client.lookUp(List.of(ALICE))).isInstanceOf(MarketingCloudException.class);
            assertThat(emulator.retrieveCalls()).isEqualTo(2);
            assertThat(client.lookUp(List.of(ALICE))).hasSize(3);
        }

        @Test
        void anUnavailableServiceIsAMarketingCloudException() {
            emulator.setAvailable(false);

            assertThatThrownBy(() -> client.lookUp(List.of(ALICE)))
                    .isInstanceOf(MarketingCloudException.class)
                    .hasMessageContaining("503");

            emulator.setAvailable(true);
            assertThat(client.lookUp(List.of(ALICE))).isEmpty();
        }

        @Test
        void aRefusedConnectionIsAMarketingCloudExceptionUntilTheServiceIsBack() throws IOException {
            emulator.seed(PARENT_MID, ALICE, "alice@example.edu", "Active");
            client.lookUp(List.of(ALICE));
            emulator.stop();

            assertThatThrownBy(() -> client.lookUp(List.of(ALICE)))
                    .isInstanceOf(MarketingCloudException.class)
                    .hasMessageContaining("unreachable");

            emulator.start();
            assertThat(client.lookUp(List.of(ALICE))).hasSize(1);
        }

        @Test
        void aServiceThatDoesNotAnswerTimesOut() throws IOException {
            try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                List<Socket> accepted = new ArrayList<>();
                Thread acceptor = new Thread(() -> {
                    try {
                        while (true) {
                            accepted.add(silent.accept());
                        }
                    } catch (IOException closed) {
                        // test over
                    }
                });
                acceptor.setDaemon(true);
                acceptor.start();
                properties.setAuthBaseUrl("http://127.0.0.1:" + silent.getLocalPort());
                properties.setRequestTimeout(Duration.ofMillis(300));

                assertThatThrownBy(() -> client.lookUp(List.of(ALICE)))
                        .isInstanceOf(MarketingCloudException.class)
                        .hasMessageContaining("did not answer within");
            }
        }

        @Test
        void refusedCredentialsAreAMarketingCloudExceptionThatDoesNotShowTheSecret() {
            properties.setClientSecret("wrong-secret-value");

            assertThatThrownBy(() -> client.lookUp(List.of(ALICE)))
                    .isInstanceOf(MarketingCloudException.class)
                    .hasMessageContaining("invalid_client")
                    .hasMessageNotContaining("wrong-secret-value");
        }
    }
}
