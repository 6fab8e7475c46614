package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.optin.FlowsFixture.BOULDER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.DENVER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static edu.cu.ecomm.optout.optin.OptInOutcomesTest.contact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.marketingcloud.MarketingCloudException;

class ResubscribeRecheckTest {

    @AutoClose
    private final FlowsFixture f = new FlowsFixture(2);

    private void open(String id, long mid, String status) {
        f.requests.open(null, contact(id, false), new UnitStatus(f.units.unit(mid), status, ShirtColour.of(status), null));
    }

    @Test
    void aSubscriberFoundGreenIsClosedAutomatically() {
        open(contactId(1), BOULDER, "Held");
        f.marketingCloud.subscriber(contactId(1), BOULDER, "Active");

        assertThat(f.recheck.recheckOpen()).isEqualTo(1);

        assertThat(f.requests.open()).isEmpty();
        assertThat(f.requests.forContact(contactId(1)).get(0).closeReason()).isEqualTo("Re-checked: GREEN (Active)");
    }

    @Test
    void aSubscriberNoLongerFoundIsClosedToo() {
        open(contactId(1), BOULDER, "Held");

        f.recheck.recheckOpen();

        assertThat(f.requests.forContact(contactId(1)).get(0).closeReason())
                .isEqualTo("Re-checked: NOT_FOUND (NOT_FOUND)");
    }

    @Test
    void aSubscriberStillNotGreenStaysOpenWithTodaysStatus() {
        open(contactId(1), BOULDER, "Held");
        f.marketingCloud.subscriber(contactId(1), BOULDER, "Unsubscribed");
        f.clock.advance(Duration.ofDays(7));

        assertThat(f.recheck.recheckOpen()).isZero();

        assertThat(f.requests.open()).singleElement().satisfies(r -> {
            assertThat(r.statusFound()).isEqualTo("Unsubscribed");
            assertThat(r.colour()).isEqualTo(ShirtColour.RED);
            assertThat(r.lastCheckedAt()).isEqualTo(f.clock.instant());
        });
    }

    @Test
    void checksEachUnitOfAContactOnItsOwnAndBatchesTheKeys() {
        open(contactId(1), BOULDER, "Held");
        open(contactId(1), DENVER, "Bounced");
        open(contactId(2), BOULDER, "Held");
        open(contactId(3), BOULDER, "Held");
        f.marketingCloud.subscriber(contactId(1), BOULDER, "Active").subscriber(contactId(1), DENVER, "Bounced")
                .subscriber(contactId(3), BOULDER, "Held");

        assertThat(f.recheck.recheckOpen()).isEqualTo(2);

        assertThat(f.requests.open()).extracting(ResubscribeRequest::contactId, ResubscribeRequest::mid)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(contactId(1), DENVER),
                        org.assertj.core.groups.Tuple.tuple(contactId(3), BOULDER));
        assertThat(f.marketingCloud.calls()).hasSize(2);
    }

    @Test
    void marketingCloudDownClosesNothing() {
        open(contactId(1), BOULDER, "Held");
        f.marketingCloud.subscriber(contactId(1), BOULDER, "Active").failNext(1);

        assertThatThrownBy(f.recheck::recheckOpen).isInstanceOf(MarketingCloudException.class);

        assertThat(f.requests.open()).hasSize(1);
    }

    @Test
    void nothingOpenMeansNoCall() {
        assertThat(f.recheck.recheckOpen()).isZero();
        assertThat(f.marketingCloud.calls()).isEmpty();
    }
}
