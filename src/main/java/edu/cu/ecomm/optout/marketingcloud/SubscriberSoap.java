package edu.cu.ecomm.optout.marketingcloud;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The SOAP messages of a Subscriber look-up, as Marketing Cloud's partner API WSDL
 * ({@code http://exacttarget.com/wsdl/partnerAPI}) defines them: {@code RetrieveRequestMsg} with an {@code IN}
 * (or {@code equals}) filter on {@code SubscriberKey}, its {@code ContinueRequest} follow-up, and
 * {@code RetrieveResponseMsg} or a SOAP 1.1 fault in return. Built and read with DOM, so every value is escaped.
 */
final class SubscriberSoap {

    static final String SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String PARTNER_API = "http://exacttarget.com/wsdl/partnerAPI";
    /** Namespace of the {@code fueloauth} header. */
    static final String EXACTTARGET = "http://exacttarget.com";
    static final String XSI = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;
    static final List<String> PROPERTIES = List.of("Client.ID", "SubscriberKey", "EmailAddress", "Status");

    /** One page of a Retrieve: {@code OverallStatus} {@code OK} or {@code MoreDataAvailable}, and its results. */
    record RetrievePage(String overallStatus, String requestId, List<SubscriberStatus> subscribers) {
        boolean moreDataAvailable() {
            return "MoreDataAvailable".equals(overallStatus);
        }
    }

    /** A SOAP fault Marketing Cloud answered. */
    static final class SoapFault extends Exception {
        private final String faultCode;
        private final String faultString;

        SoapFault(String faultCode, String faultString) {
            super("Marketing Cloud SOAP fault " + faultCode + ": " + faultString);
            this.faultCode = faultCode;
            this.faultString = faultString;
        }

        String faultCode() {
            return faultCode;
        }

        String faultString() {
            return faultString;
        }

        /** Marketing Cloud no longer accepts the token ("Token Expired", "Login Failed", a Security fault). */
        boolean tokenRejected() {
            String code = localPart(faultCode);
            String text = faultString == null ? "" : faultString.toLowerCase(Locale.ROOT);
            return "Security".equalsIgnoreCase(code)
                    || text.contains("token expired") || text.contains("login failed");
        }
    }

    private SubscriberSoap() {
    }

    /**
     * A Retrieve of {@code Subscriber} ({@link #PROPERTIES}) filtered on {@code SubscriberKey}, across every business
     * unit ({@code QueryAllAccounts}) or only {@code clientIds} when that is not empty and {@code queryAllAccounts}
     * is false.
     */
    static String retrieveRequest(String token, List<String> subscriberKeys, boolean queryAllAccounts,
                                  Collection<Long> clientIds) {
        if (subscriberKeys.isEmpty()) {
            throw new IllegalArgumentException("no subscriber keys");
        }
        Document doc = newDocument();
        Element retrieveRequest = envelope(doc, token, "RetrieveRequestMsg", "RetrieveRequest");
        if (!queryAllAccounts) {
            for (Long mid : clientIds) {
                Element clientId = partner(doc, retrieveRequest, "ClientIDs");
                text(doc, clientId, "ID", Long.toString(mid));
            }
        }
        text(doc, retrieveRequest, "ObjectType", "Subscriber");
        for (String property : PROPERTIES) {
            text(doc, retrieveRequest, "Properties", property);
        }
        Element filter = partner(doc, retrieveRequest, "Filter");
        filter.setAttributeNS(XSI, "xsi:type", "SimpleFilterPart");
        text(doc, filter, "Property", "SubscriberKey");
        text(doc, filter, "SimpleOperator", subscriberKeys.size() == 1 ? "equals" : "IN");
        for (String key : subscriberKeys) {
            text(doc, filter, "Value", key);
        }
        if (queryAllAccounts) {
            text(doc, retrieveRequest, "QueryAllAccounts", "true");
        }
        return serialize(doc);
    }

    /** The next page of the Retrieve that answered {@code MoreDataAvailable} with {@code requestId}. */
    static String continueRequest(String token, String requestId) {
        Document doc = newDocument();
        Element retrieveRequest = envelope(doc, token, "RetrieveRequestMsg", "RetrieveRequest");
        text(doc, retrieveRequest, "ObjectType", "Subscriber");
        text(doc, retrieveRequest, "ContinueRequest", requestId);
        return serialize(doc);
    }

    /** Reads a {@code RetrieveResponseMsg}; a fault becomes {@link SoapFault}, anything unreadable an exception. */
    static RetrievePage parseRetrieveResponse(String xml) throws SoapFault {
        Element body = body(parse(xml));
        Element fault = firstChild(body, SOAP_ENVELOPE, "Fault");
        if (fault != null) {
            throw new SoapFault(childText(fault, null, "faultcode"), childText(fault, null, "faultstring"));
        }
        Element response = firstChild(body, PARTNER_API, "RetrieveResponseMsg");
        if (response == null) {
            throw new MarketingCloudException("Marketing Cloud answered without a RetrieveResponseMsg");
        }
        String overallStatus = childText(response, PARTNER_API, "OverallStatus");
        String requestId = childText(response, PARTNER_API, "RequestID");
        List<SubscriberStatus> subscribers = new ArrayList<>();
        for (Node n = response.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element results && isPartner(results, "Results")) {
                subscribers.add(subscriber(results));
            }
        }
        return new RetrievePage(overallStatus, requestId, subscribers);
    }

    private static SubscriberStatus subscriber(Element results) {
        String type = results.getAttributeNS(XSI, "type");
        if (!type.isEmpty() && !"Subscriber".equals(localPart(type))) {
            throw new MarketingCloudException("Marketing Cloud returned " + type + " results for a Subscriber retrieve");
        }
        Element client = firstChild(results, PARTNER_API, "Client");
        String mid = client == null ? null : childText(client, PARTNER_API, "ID");
        String key = childText(results, PARTNER_API, "SubscriberKey");
        if (mid == null || key == null) {
            throw new MarketingCloudException("Marketing Cloud returned a Subscriber without Client.ID or SubscriberKey");
        }
        try {
            return new SubscriberStatus(key, Long.parseLong(mid.trim()), childText(results, PARTNER_API, "Status"),
                    childText(results, PARTNER_API, "EmailAddress"));
        } catch (NumberFormatException e) {
            throw new MarketingCloudException("Marketing Cloud returned a Client.ID that is not a number", e);
        }
    }

    // --- DOM helpers ------------------------------------------------------------------------------------------

    private static Element envelope(Document doc, String token, String message, String request) {
        Element envelope = doc.createElementNS(SOAP_ENVELOPE, "soapenv:Envelope");
        envelope.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:xsi", XSI);
        doc.appendChild(envelope);
        Element header = doc.createElementNS(SOAP_ENVELOPE, "soapenv:Header");
        envelope.appendChild(header);
        Element fueloauth = doc.createElementNS(EXACTTARGET, "fueloauth");
        fueloauth.setTextContent(token);
        header.appendChild(fueloauth);
        Element body = doc.createElementNS(SOAP_ENVELOPE, "soapenv:Body");
        envelope.appendChild(body);
        Element msg = doc.createElementNS(PARTNER_API, message);
        body.appendChild(msg);
        return partner(doc, msg, request);
    }

    private static Element partner(Document doc, Element parent, String name) {
        Element e = doc.createElementNS(PARTNER_API, name);
        parent.appendChild(e);
        return e;
    }

    private static void text(Document doc, Element parent, String name, String value) {
        partner(doc, parent, name).setTextContent(value);
    }

    private static Element body(Document doc) {
        Element envelope = doc.getDocumentElement();
        if (!"Envelope".equals(envelope.getLocalName())) {
            throw new MarketingCloudException("Marketing Cloud answered something that is not a SOAP envelope");
        }
        for (Node n = envelope.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "Body".equals(e.getLocalName())
                    && envelope.getNamespaceURI() != null && envelope.getNamespaceURI().equals(e.getNamespaceURI())) {
                return e;
            }
        }
        throw new MarketingCloudException("Marketing Cloud answered a SOAP envelope without a Body");
    }

    private static boolean isPartner(Element e, String name) {
        return PARTNER_API.equals(e.getNamespaceURI()) && name.equals(e.getLocalName());
    }

    /** First child element named {@code name}; {@code ns} null means any namespace (fault children). */
    private static Element firstChild(Element parent, String ns, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())
                    && (ns == null || ns.equals(e.getNamespaceURI()))) {
                return e;
            }
        }
        return null;
    }

    private static String childText(Element parent, String ns, String name) {
        Element e = firstChild(parent, ns, name);
        if (e == null || "true".equals(e.getAttributeNS(XSI, "nil"))) {
            return null;
        }
        return e.getTextContent();
    }

    static String localPart(String qname) {
        if (qname == null) {
            return "";
        }
        int colon = qname.indexOf(':');
        return colon < 0 ? qname.trim() : qname.substring(colon + 1).trim();
    }

    private static Document newDocument() {
        return builder().newDocument();
    }

    private static Document parse(String xml) {
        try {
            return builder().parse(new InputSource(new StringReader(xml)));
        } catch (SAXException | IOException e) {
            throw new MarketingCloudException("Marketing Cloud answered XML that cannot be read: " + e.getMessage(), e);
        }
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String serialize(Document doc) {
        try {
            TransformerFactory factory = TransformerFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Transformer transformer = factory.newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }
}
