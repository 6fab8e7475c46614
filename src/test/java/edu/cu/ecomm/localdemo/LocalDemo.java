package edu.cu.ecomm.localdemo;

import edu.cu.ecomm.optout.OptOutSyncApplication;
import edu.cu.ecomm.optout.emulator.LocalEmulators;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The local demo behind {@code mvn -B spring-boot:test-run}: the real service, its routes and the embedded H2
 * database, with the emulators in-process and a steady trickle of realistic contact changes made through the
 * emulated org's REST API.
 *
 * <p>The annotation is only there so the Spring Boot plugin picks this class among the main classes of the test
 * sources; the class lives outside the service's package so that no component scan ever finds it.
 */
@SpringBootApplication
public class LocalDemo {

    public static void main(String[] args) {
        SpringApplication.from(OptOutSyncApplication::main)
                .with(LocalEmulators.class, DemoTraffic.class)
                .withAdditionalProfiles("local", "demo")
                .run(args);
    }
}
