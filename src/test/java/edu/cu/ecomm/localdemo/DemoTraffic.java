package edu.cu.ecomm.localdemo;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import edu.cu.ecomm.optout.support.SalesforceRestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;

/**
 * What specialists and data loads do to contacts during a day, played through the emulated org's REST API:
 * single opt-outs, single opt-ins, and now and then a composite update of 50 contacts.
 */
class DemoTraffic implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DemoTraffic.class);

    private final SalesforceRestClient specialist;
    private final long intervalMillis;
    private final Random random = new Random(2026);
    private final AtomicLong tick = new AtomicLong();
    private ScheduledExecutorService scheduler;

    DemoTraffic(@Value("${camel.component.salesforce.login-url}") String loginUrl,
                @Value("${optout.demo.change-interval-ms:4000}") long intervalMillis) {
        this.specialist = new SalesforceRestClient(loginUrl);
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "demo-traffic"));
        scheduler.scheduleWithFixedDelay(this::changeSomething, 10_000, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        scheduler.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return scheduler != null && !scheduler.isShutdown();
    }

    /** Starts after Camel, so the subscription is open before the first change. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    private void changeSomething() {
        try {
            long n = tick.incrementAndGet();
            if (n % 15 == 0) {
                List<String> fifty = specialist.contactIds("HasOptedOutOfEmail = false", 50 + random.nextInt(200))
                        .stream().skip(random.nextInt(150)).limit(50).toList();
                specialist.updateAll(fifty, Map.of("HasOptedOutOfEmail", true), null);
                log.info("Demo: composite update opted out {} contacts in one transaction", fifty.size());
            } else if (n % 3 == 0) {
                pick("HasOptedOutOfEmail = true").ifPresent(id -> {
                    specialist.setOptOut(id, false);
                    log.info("Demo: specialist opted contact {} back in", id);
                });
            } else {
                pick("HasOptedOutOfEmail = false").ifPresent(id -> {
                    specialist.setOptOut(id, true);
                    log.info("Demo: contact {} opted out", id);
                });
            }
        } catch (RuntimeException e) {
            log.warn("Demo: change failed: {}", e.getMessage());
        }
    }

    private Optional<String> pick(String where) {
        List<String> ids = specialist.contactIds(where, 200);
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(random.nextInt(ids.size())));
    }
}
