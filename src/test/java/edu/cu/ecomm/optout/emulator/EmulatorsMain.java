package edu.cu.ecomm.optout.emulator;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import edu.cu.ecomm.optout.emulator.marketingcloud.MarketingCloudEmulator;
import edu.cu.ecomm.optout.emulator.salesforce.SalesforceEmulator;

/**
 * The emulators as a process of their own ({@code mvn -B -Pemulators exec:java}), so the service can be
 * killed and restarted against them while they keep their contacts, events and subscribers. Local ports and
 * credentials are the README's.
 */
public final class EmulatorsMain {

    private EmulatorsMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int contacts = Integer.getInteger("optout.emulator.salesforce.seed-contacts", 1000);
        SalesforceEmulator salesforce = SalesforceEmulator.onPorts(
                Integer.getInteger("optout.emulator.salesforce.http-port", 18080),
                Integer.getInteger("optout.emulator.salesforce.grpc-port", 17443)).start();
        List<String> contactIds = salesforce.http().seedContacts(contacts, 2026);
        MarketingCloudEmulator marketingCloud = MarketingCloudEmulator.builder()
                .port(Integer.getInteger("optout.emulator.marketing-cloud.port", MarketingCloudEmulator.LOCAL_PORT))
                .build().start();
        marketingCloud.seedDemo(contactIds);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            marketingCloud.stop();
            salesforce.stop();
            stopped.countDown();
        }, "emulators-shutdown"));
        System.out.printf("Salesforce emulator: login URL %s, Pub/Sub gRPC 127.0.0.1:%d, %d contacts%n",
                salesforce.loginUrl(), salesforce.pubSubPort(), contactIds.size());
        System.out.printf("Marketing Cloud emulator: %s, business units %s%n", marketingCloud.baseUrl(),
                marketingCloud.businessUnits());
        System.out.println("Ctrl-C stops them.");
        stopped.await();
    }
}
