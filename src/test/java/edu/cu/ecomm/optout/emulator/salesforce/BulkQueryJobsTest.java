package edu.cu.ecomm.optout.emulator.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.salesforce.api.dto.bulkv2.JobStateEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.OperationEnum;
import org.apache.camel.component.salesforce.api.dto.bulkv2.QueryJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bulk API 2.0 query jobs of the emulator, through camel-salesforce 4.17's own bulk2 operations. */
class BulkQueryJobsTest {

    private SalesforceHttpEmulator emulator;
    private CamelContext camel;
    private ProducerTemplate template;

    @BeforeEach
    void start() {
        emulator = new SalesforceHttpEmulator(commit -> { });
        emulator.start();
        camel = CamelSalesforceClients.startedAgainst(emulator);
        template = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
        emulator.stop();
    }

    @Test
    void queryJobCompletesAndItsCsvResultsPageWithTheLocator() throws Exception {
        List<String> ids = emulator.seedContacts(5, 7);
        emulator.updateContact(ids.get(1), Map.of("HasOptedOutOfEmail", true));

        QueryJob created = template.requestBody("salesforce:bulk2CreateQueryJob", job(
                "SELECT Id, HasOptedOutOfEmail, SystemModstamp FROM Contact"), QueryJob.class);
        assertThat(created.getState()).isEqualTo(JobStateEnum.UPLOAD_COMPLETE);
        JobStateEnum state;
        int looks = 0;
        do {
            state = template.requestBody("salesforce:bulk2GetQueryJob", created.getId(), QueryJob.class).getState();
            looks++;
        } while (state != JobStateEnum.JOB_COMPLETE && looks < 10);
        assertThat(state).isEqualTo(JobStateEnum.JOB_COMPLETE);

        List<String> lines = new ArrayList<>();
        List<String> locators = new ArrayList<>();
        String locator = null;
        do {
            String page = locator;
            Exchange answer = template.request("salesforce:bulk2GetQueryJobResults", exchange -> {
                exchange.getIn().setHeader("jobId", created.getId());
                exchange.getIn().setHeader("maxRecords", 2);
                if (page != null) {
                    exchange.getIn().setHeader("locator", page);
                }
            });
            assertThat(answer.getException()).isNull();
            try (InputStream csv = answer.getMessage().getBody(InputStream.class)) {
                List<String> pageLines = new String(csv.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
                assertThat(pageLines.get(0)).isEqualTo("\"Id\",\"HasOptedOutOfEmail\",\"SystemModstamp\"");
                lines.addAll(pageLines.subList(1, pageLines.size()));
            }
            locator = answer.getMessage().getHeader("Sforce-Locator", String.class);
            locators.add(locator);
        } while (!"null".equals(locator));

        assertThat(locators).hasSize(3).last().isEqualTo("null");
        assertThat(lines).hasSize(5);
        assertThat(lines.get(1)).startsWith("\"" + ids.get(1) + "\",\"true\",\"").matches(".*\\.\\d{3}Z\"$");
        assertThat(lines.get(0)).contains("\"false\"");
    }

    @Test
    void resultsOfAJobThatIsNotCompleteAreRefused() {
        QueryJob created = template.requestBody("salesforce:bulk2CreateQueryJob", job("SELECT Id FROM Contact"),
                QueryJob.class);

        assertThatThrownBy(() -> template.requestBodyAndHeader("salesforce:bulk2GetQueryJobResults", null, "jobId",
                created.getId())).isInstanceOf(CamelExecutionException.class).hasStackTraceContaining("not complete");
    }

    @Test
    void aQueryJobStillRunningIsAbortedAndItsResultsAreRefused() {
        emulator.holdBulkQueryJobs();
        QueryJob created = template.requestBody("salesforce:bulk2CreateQueryJob", job("SELECT Id FROM Contact"),
                QueryJob.class);
        template.requestBody("salesforce:bulk2GetQueryJob", created.getId(), QueryJob.class);
        assertThat(template.requestBody("salesforce:bulk2GetQueryJob", created.getId(), QueryJob.class).getState())
                .isEqualTo(JobStateEnum.IN_PROGRESS);

        QueryJob aborted = template.requestBodyAndHeader("salesforce:bulk2AbortQueryJob", null, "jobId", created.getId(),
                QueryJob.class);

        assertThat(aborted.getId()).isEqualTo(created.getId());
        assertThat(aborted.getState()).isEqualTo(JobStateEnum.ABORTED);
        emulator.completeBulkQueryJobs();
        assertThat(template.requestBody("salesforce:bulk2GetQueryJob", created.getId(), QueryJob.class).getState())
                .as("an aborted job never completes").isEqualTo(JobStateEnum.ABORTED);
        assertThatThrownBy(() -> template.requestBodyAndHeader("salesforce:bulk2GetQueryJobResults", null, "jobId",
                created.getId())).isInstanceOf(CamelExecutionException.class).hasStackTraceContaining("Aborted");
    }

    @Test
    void aCompletedQueryJobCannotBeAborted() {
        QueryJob created = template.requestBody("salesforce:bulk2CreateQueryJob", job("SELECT Id FROM Contact"),
                QueryJob.class);
        template.requestBody("salesforce:bulk2GetQueryJob", created.getId(), QueryJob.class);
        template.requestBody("salesforce:bulk2GetQueryJob", created.getId(), QueryJob.class);
        assertThat(template.requestBody("salesforce:bulk2GetQueryJob", created.getId(), QueryJob.class).getState())
                .isEqualTo(JobStateEnum.JOB_COMPLETE);

        assertThatThrownBy(() -> template.requestBodyAndHeader("salesforce:bulk2AbortQueryJob", null, "jobId",
                created.getId()))
                .isInstanceOf(CamelExecutionException.class)
                .hasStackTraceContaining("Aborting already Completed Job not allowed");
        assertThat(emulator.bulkQueryJobStates()).containsEntry(created.getId(), "JobComplete");
    }

    private static QueryJob job(String soql) {
        QueryJob job = new QueryJob();
        job.setOperation(OperationEnum.QUERY);
        job.setQuery(soql);
        return job;
    }
}
