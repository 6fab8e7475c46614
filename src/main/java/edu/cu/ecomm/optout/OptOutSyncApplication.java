package edu.cu.ecomm.optout;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Opt-Out Sync: keeps Salesforce's Email Opt Out and CU Ascend in agreement.
 * The flows themselves live in the Camel YAML routes of the {@code routes/} folder.
 */
@SpringBootApplication
public class OptOutSyncApplication {

    public static void main(String[] args) {
        SpringApplication.run(OptOutSyncApplication.class, args);
    }
}
