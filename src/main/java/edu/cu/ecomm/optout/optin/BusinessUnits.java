package edu.cu.ecomm.optout.optin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.marketingcloud.MarketingCloudProperties;
import edu.cu.ecomm.optout.marketingcloud.SubscriberStatus;

/**
 * The business units every opt-in is checked in ({@code optout.marketing-cloud.business-units}, each a
 * {@code mid} and a {@code name}), and the per-unit reading of a look-up result. Units the account returns
 * that are not configured are reported too, named "MID n".
 * The list is the Marketing Cloud client's own ({@link MarketingCloudProperties}), so both agree.
 */
@Component("businessUnits")
public class BusinessUnits {

    private final List<BusinessUnit> configured;

    @Autowired
    public BusinessUnits(MarketingCloudProperties properties) {
        this(properties.getBusinessUnits().stream().map(u -> new BusinessUnit(u.getMid(), u.getName())).toList());
    }

    public BusinessUnits(List<BusinessUnit> configured) {
        this.configured = List.copyOf(configured);
    }

    public List<BusinessUnit> configured() {
        return configured;
    }

    /**
     * One status per unit for one subscriber: every configured unit in configuration order (NOT_FOUND where
     * the subscriber is absent), then every other unit that returned the subscriber, by MID.
     *
     * @param records the look-up records of this one subscriber key
     */
    public List<UnitStatus> statuses(Collection<SubscriberStatus> records) {
        Map<Long, SubscriberStatus> byMid = new LinkedHashMap<>();
        for (SubscriberStatus record : records) {
            byMid.merge(record.mid(), record, BusinessUnits::worse);
        }
        List<UnitStatus> result = new ArrayList<>();
        for (BusinessUnit unit : configured) {
            SubscriberStatus found = byMid.remove(unit.mid());
            result.add(found == null
                    ? new UnitStatus(unit, ShirtColour.ABSENT, ShirtColour.NOT_FOUND, null)
                    : new UnitStatus(unit, found.status(), ShirtColour.of(found.status()), found.emailAddress()));
        }
        byMid.values().stream().sorted(Comparator.comparingLong(SubscriberStatus::mid)).forEach(found ->
                result.add(new UnitStatus(BusinessUnit.unconfigured(found.mid()), found.status(),
                        ShirtColour.of(found.status()), found.emailAddress())));
        return result;
    }

    /** The unit with this MID, configured or not. */
    public BusinessUnit unit(long mid) {
        return configured.stream().filter(u -> u.mid() == mid).findFirst().orElse(BusinessUnit.unconfigured(mid));
    }

    /** Of two records for the same key and unit (should not happen), keep the one that needs attention. */
    private static SubscriberStatus worse(SubscriberStatus a, SubscriberStatus b) {
        return ShirtColour.of(b.status()).needsResubscribe() && !ShirtColour.of(a.status()).needsResubscribe() ? b : a;
    }
}
