package edu.cu.ecomm.optout.marketingcloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import edu.cu.ecomm.optout.marketingcloud.MarketingCloudProperties.BusinessUnit;
import edu.cu.ecomm.optout.marketingcloud.MarketingCloudTokens.AccessToken;
import edu.cu.ecomm.optout.marketingcloud.SubscriberSoap.RetrievePage;
import edu.cu.ecomm.optout.marketingcloud.SubscriberSoap.SoapFault;

/**
 * Looks subscribers up in Marketing Cloud over the SOAP API: one Retrieve of {@code Subscriber} per batch of
 * subscriber keys ({@code SubscriberKey IN (…)}, {@code QueryAllAccounts} so every business unit answers),
 * following {@code MoreDataAvailable} pages with {@code ContinueRequest}. A token Marketing Cloud rejects is
 * renewed and the call repeated once; any other fault, HTTP error, timeout or refused connection is a
 * {@link MarketingCloudException} for the caller to retry later.
 */
public class SubscriberStatusClient implements SubscriberLookup {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriberStatusClient.class);

    private final MarketingCloudProperties properties;
    private final MarketingCloudTokens tokens;
    private final HttpClient http;

    public SubscriberStatusClient(MarketingCloudProperties properties, MarketingCloudTokens tokens, HttpClient http) {
        if (properties.getBatchSize() < 1) {
            throw new IllegalArgumentException("optout.marketing-cloud.batch-size must be at least 1");
        }
        this.properties = properties;
        this.tokens = tokens;
        this.http = http;
    }

    /** A client with its own HTTP client and token cache, as the Spring configuration builds it. */
    public static SubscriberStatusClient create(MarketingCloudProperties properties, ObjectMapper json, Clock clock) {
        HttpClient http = httpClient(properties);
        return new SubscriberStatusClient(properties, new MarketingCloudTokens(properties, http, json, clock), http);
    }

    static HttpClient httpClient(MarketingCloudProperties properties) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.getConnectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The business units the eComm team checks, as configured (the account may return others too). */
    public List<BusinessUnit> businessUnits() {
        return List.copyOf(properties.getBusinessUnits());
    }

    @Override
    public List<SubscriberStatus> lookUp(Collection<String> subscriberKeys) {
        Set<String> keys = new LinkedHashSet<>();
        for (String key : subscriberKeys) {
            if (key != null && !key.isBlank()) {
                keys.add(key.trim());
            }
        }
        List<String> all = List.copyOf(keys);
        List<SubscriberStatus> found = new ArrayList<>();
        int batchSize = properties.getBatchSize();
        for (int from = 0; from < all.size(); from += batchSize) {
            found.addAll(retrieve(all.subList(from, Math.min(all.size(), from + batchSize))));
        }
        return found;
    }

    private List<SubscriberStatus> retrieve(List<String> batch) {
        List<Long> clientIds = properties.getBusinessUnits().stream().map(BusinessUnit::getMid).toList();
        RetrievePage page = call(token -> SubscriberSoap.retrieveRequest(token, batch,
                properties.isQueryAllAccounts() || clientIds.isEmpty(), clientIds));
        List<SubscriberStatus> found = new ArrayList<>(page.subscribers());
        int pages = 1;
        while (page.moreDataAvailable()) {
            String requestId = page.requestId();
            if (requestId == null || requestId.isBlank()) {
                throw new MarketingCloudException("Marketing Cloud answered MoreDataAvailable without a RequestID");
            }
            page = call(token -> SubscriberSoap.continueRequest(token, requestId));
            found.addAll(page.subscribers());
            pages++;
        }
        LOG.debug("Looked up {} subscriber keys: {} records in {} page(s)", batch.size(), found.size(), pages);
        return found;
    }

    /** One SOAP call with a valid token; renews a rejected token and repeats the call once. */
    private RetrievePage call(Function<String, String> requestFor) {
        AccessToken token = tokens.current();
        try {
            return checked(send(token, requestFor.apply(token.value())));
        } catch (SoapFault fault) {
            if (!fault.tokenRejected()) {
                throw new MarketingCloudException(fault.getMessage(), fault);
            }
            LOG.info("Marketing Cloud rejected the access token ({}); renewing it", fault.faultString());
            tokens.invalidate(token);
        }
        AccessToken renewed = tokens.current();
        try {
            return checked(send(renewed, requestFor.apply(renewed.value())));
        } catch (SoapFault fault) {
            throw new MarketingCloudException(fault.getMessage() + " (with a renewed token)", fault);
        }
    }

    private static RetrievePage checked(RetrievePage page) {
        String status = page.overallStatus();
        if (!"OK".equals(status) && !page.moreDataAvailable()) {
            throw new MarketingCloudException("Marketing Cloud Retrieve of Subscriber failed: " + status);
        }
        return page;
    }

    private RetrievePage send(AccessToken token, String envelope) throws SoapFault {
        URI endpoint = token.soapEndpoint();
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(properties.getRequestTimeout())
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", "Retrieve")
                .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new MarketingCloudException("Marketing Cloud did not answer within " + properties.getRequestTimeout()
                    + " (" + endpoint + ")", e);
        } catch (IOException e) {
            throw new MarketingCloudException("Marketing Cloud unreachable at " + endpoint + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MarketingCloudException("Interrupted while calling Marketing Cloud", e);
        }
        int status = response.statusCode();
        boolean soapAnswer = status == 200 || (status == 500 && response.body() != null
                && response.body().contains("Envelope"));
        if (!soapAnswer) {
            throw new MarketingCloudException("Marketing Cloud SOAP endpoint " + endpoint + " answered HTTP " + status);
        }
        return SubscriberSoap.parseRetrieveResponse(response.body());
    }
}
