package edu.cu.ecomm.optout.benchmark;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator;
import edu.cu.ecomm.optout.intake.SalesforceIds;
import edu.cu.ecomm.optout.marketingcloud.MarketingCloudProperties;
import edu.cu.ecomm.optout.marketingcloud.MarketingCloudProperties.BusinessUnit;
import edu.cu.ecomm.optout.marketingcloud.SubscriberStatus;
import edu.cu.ecomm.optout.marketingcloud.SubscriberStatusClient;

/**
 * Opt-in look-ups: the production {@link SubscriberStatusClient}, configured as application.yaml does (200 keys
 * per Retrieve, QueryAllAccounts), asks the Marketing Cloud emulator (over HTTP on 127.0.0.1, in this JVM) for the
 * subscriber statuses of {@code optIns} contacts in 5 business units. The baseline, in the same run: the same
 * client asking one contact per Retrieve, as a specialist checks one subscriber at a time.
 */
final class OptInLookupBenchmark {

    record Run(int optIns, int soapCalls, int statuses, double seconds) {
        double optInsPerSecond() {
            return optIns / seconds;
        }
    }

    record Result(int businessUnits, Run batched, Run oneByOne) {
    }

    private static final long PARENT_MID = 100000001L;

    private final int optIns;
    private final int baselineOptIns;

    OptInLookupBenchmark(int optIns, int baselineOptIns) {
        this.optIns = optIns;
        this.baselineOptIns = baselineOptIns;
    }

    Result run() throws Exception {
        Map<Long, String> children = new LinkedHashMap<>();
        children.put(100000002L, "CU Boulder");
        children.put(100000003L, "CU Denver");
        children.put(100000004L, "UCCS");
        children.put(100000005L, "CU Anschutz");
        MarketingCloudEmulator marketingCloud = MarketingCloudEmulator.builder().port(0)
                .businessUnits(PARENT_MID, "CU System", children).build().start();
        try {
            List<String> contacts = contactIds(optIns);
            // Every colour: 4 in 5 contacts are subscribers in every unit with statuses that differ per unit,
            // every fifth is in none.
            marketingCloud.seedDemo(contacts);
            MarketingCloudProperties properties = properties(marketingCloud, 200);

            // Warm up client and emulator (JIT, connection, token) on other contacts than the measured ones.
            SubscriberStatusClient.create(properties, new ObjectMapper(), Clock.systemUTC())
                    .lookUp(contactIds(optIns + 2_000).subList(optIns, optIns + 2_000));

            Run batched = measure(marketingCloud, properties, contacts);
            Run oneByOne = measure(marketingCloud, properties(marketingCloud, 1), contacts.subList(0, baselineOptIns));
            return new Result(children.size() + 1, batched, oneByOne);
        } finally {
            marketingCloud.stop();
        }
    }

    private static Run measure(MarketingCloudEmulator marketingCloud, MarketingCloudProperties properties,
                               List<String> contacts) {
        SubscriberStatusClient client = SubscriberStatusClient.create(properties, new ObjectMapper(),
                Clock.systemUTC());
        marketingCloud.resetCounters();
        long start = System.nanoTime();
        List<SubscriberStatus> statuses = client.lookUp(contacts);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run(contacts.size(), marketingCloud.soapCalls(), statuses.size(), seconds);
    }

    private static MarketingCloudProperties properties(MarketingCloudEmulator marketingCloud, int batchSize) {
        MarketingCloudProperties properties = new MarketingCloudProperties();
        properties.setAuthBaseUrl(marketingCloud.baseUrl());
        properties.setClientId(marketingCloud.clientId());
        properties.setClientSecret(marketingCloud.clientSecret());
        properties.setAccountId(PARENT_MID);
        properties.setBatchSize(batchSize);
        properties.setQueryAllAccounts(true);
        List<BusinessUnit> units = new ArrayList<>();
        marketingCloud.businessUnits().forEach(unit -> units.add(new BusinessUnit(unit.mid(), unit.name())));
        properties.setBusinessUnits(units);
        return properties;
    }

    /** Well-formed 18-character Contact ids (checksum suffix included), distinct for each i. */
    private static List<String> contactIds(int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(SalesforceIds.toContactId18(String.format("003Bm%010d", i)).orElseThrow());
        }
        return ids;
    }
}
