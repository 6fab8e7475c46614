package edu.cu.ecomm.optout.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;

/**
 * The emulators as a process of their own ({@code mvn -B -Pemulators exec:java}), so the service can be
 * killed and restarted against them while they keep their contacts, events and subscribers. The Salesforce org
 * also outlives a restart of this process: it is saved on Ctrl-C ({@link #SAVED_ORG}) and restored on the next
 * start, as Salesforce never forgets an org. Local ports and credentials are the README's.
 */
public final class EmulatorsMain {

    /** Relative to the working directory, the project folder under Maven; data/ is ignored by git. */
    static final String SAVED_ORG = "data/emulators/salesforce-org.ser";

    private EmulatorsMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int contacts = Integer.getInteger("optout.emulator.salesforce.seed-contacts", 1000);
        Path savedOrg = Path.of(System.getProperty("optout.emulator.salesforce.saved-org", SAVED_ORG));
        boolean restored = Files.exists(savedOrg);
        SalesforceEmulator salesforce = salesforceOrg(savedOrg,
                Integer.getInteger("optout.emulator.salesforce.http-port", 18080),
                Integer.getInteger("optout.emulator.salesforce.grpc-port", 17443), contacts).start();
        List<String> contactIds = salesforce.http().allContacts().stream().map(c -> (String) c.get("Id")).toList();
        MarketingCloudEmulator marketingCloud = MarketingCloudEmulator.builder()
                .port(Integer.getInteger("optout.emulator.marketing-cloud.port", MarketingCloudEmulator.LOCAL_PORT))
                .build().start();
        marketingCloud.seedDemo(contactIds);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            marketingCloud.stop();
            stopAndSave(salesforce, savedOrg);
            stopped.countDown();
        }, "emulators-shutdown"));
        System.out.printf("Salesforce emulator: login URL %s, Pub/Sub gRPC 127.0.0.1:%d, %d contacts, %d events retained"
                        + " (%s %s)%n", salesforce.loginUrl(), salesforce.pubSubPort(), contactIds.size(),
                salesforce.pubSub().retainedCount(), restored ? "org restored from" : "new org, saved on Ctrl-C to",
                savedOrg);
        System.out.printf("Marketing Cloud emulator: %s, business units %s%n", marketingCloud.baseUrl(),
                marketingCloud.businessUnits());
        System.out.println("Ctrl-C stops them.");
        stopped.await();
    }

    /**
     * The org saved by the previous run, if there is one: Salesforce keeps its contacts and, for 72 hours, its
     * events, so the service's stored replay id must still be valid after the emulators restart. Otherwise a new
     * org seeded with {@code seedContacts} sample contacts.
     */
    static SalesforceEmulator salesforceOrg(Path saved, int httpPort, int grpcPort, int seedContacts) {
        if (Files.exists(saved)) {
            return SalesforceEmulator.restoredFrom(saved, httpPort, grpcPort);
        }
        SalesforceEmulator salesforce = SalesforceEmulator.onPorts(httpPort, grpcPort);
        salesforce.http().seedContacts(seedContacts, 2026);
        return salesforce;
    }

    static void stopAndSave(SalesforceEmulator salesforce, Path saved) {
        salesforce.stop();
        salesforce.saveTo(saved);
    }
}
