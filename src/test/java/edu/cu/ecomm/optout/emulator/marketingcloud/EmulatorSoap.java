package edu.cu.ecomm.optout.emulator.marketingcloud;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Raw calls to the emulator for tests and admins: a token, and SOAP envelopes as Marketing Cloud's own
 * examples write them (Create/Update of a Subscriber with its Client ID). Values here are test literals; callers
 * pass only XML-safe text.
 */
public final class EmulatorSoap {

    public record Answer(int status, String body) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmulatorSoap() {
    }

    public static Answer postToken(MarketingCloudEmulator emulator, String jsonBody) throws IOException, InterruptedException {
        return post(URI.create(emulator.baseUrl() + "/v2/token"), "application/json", null, jsonBody);
    }

    public static String token(MarketingCloudEmulator emulator) throws IOException, InterruptedException {
        Answer answer = postToken(emulator, "{\"grant_type\":\"client_credentials\",\"client_id\":\""
                + emulator.clientId() + "\",\"client_secret\":\"" + emulator.clientSecret() + "\"}");
        if (answer.status() != 200) {
            throw new IllegalStateException("token request failed: " + answer);
        }
        return JSON.readTree(answer.body()).get("access_token").asText();
    }

    /** Posts {@code bodyContent} (the Body's message element) in a SOAP 1.1 envelope with the fueloauth header. */
    public static Answer call(MarketingCloudEmulator emulator, String token, String soapAction, String bodyContent)
            throws IOException, InterruptedException {
        return callWithHeader(emulator, token == null ? "" : "<fueloauth xmlns=\"http://exacttarget.com\">" + token + "</fueloauth>",
                soapAction, bodyContent);
    }

    /** Posts {@code bodyContent} with {@code headerContent} as the SOAP Header's content, written as the caller gives it. */
    public static Answer callWithHeader(MarketingCloudEmulator emulator, String headerContent, String soapAction,
            String bodyContent) throws IOException, InterruptedException {
        String envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\""
                + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                + "<s:Header>" + headerContent + "</s:Header><s:Body>" + bodyContent + "</s:Body></s:Envelope>";
        return post(URI.create(emulator.baseUrl() + "/Service.asmx"), "text/xml; charset=utf-8", soapAction, envelope);
    }

    public static String createSubscriber(long mid, String subscriberKey, String emailAddress, String status) {
        return "<CreateRequest xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"><Options/>"
                + subscriberObject(mid, subscriberKey, emailAddress, status) + "</CreateRequest>";
    }

    public static String updateSubscriber(long mid, String subscriberKey, String status) {
        return "<UpdateRequest xmlns=\"http://exacttarget.com/wsdl/partnerAPI\"><Options/>"
                + subscriberObject(mid, subscriberKey, null, status) + "</UpdateRequest>";
    }

    private static String subscriberObject(long mid, String subscriberKey, String emailAddress, String status) {
        return "<Objects xsi:type=\"Subscriber\"><Client><ID>" + mid + "</ID></Client>"
                + (emailAddress == null ? "" : "<EmailAddress>" + emailAddress + "</EmailAddress>")
                + "<SubscriberKey>" + subscriberKey + "</SubscriberKey>"
                + (status == null ? "" : "<Status>" + status + "</Status>") + "</Objects>";
    }

    private static Answer post(URI uri, String contentType, String soapAction, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (soapAction != null) {
            request.header("SOAPAction", soapAction);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }
}
