package edu.cu.ecomm.optout.emulator.marketingcloud;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The XML schema inside Marketing Cloud's partner API WSDL ({@code marketing-cloud/etframework.wsdl}, test
 * resources), to check that a SOAP Body's message follows the contract. The schema's only import (the fault XSD
 * on webservice.exacttarget.com, referenced by no type) is dropped, so validation needs no network.
 */
public final class PartnerApiSchema {

    private static Schema schema;

    private PartnerApiSchema() {
    }

    public static synchronized Schema schema() {
        if (schema == null) {
            schema = load();
        }
        return schema;
    }

    /**
     * Validates the first element of the SOAP Body of {@code envelope} (e.g. {@code RetrieveRequestMsg}).
     *
     * @throws SAXException naming the first violation of the WSDL's schema
     */
    public static void validateBody(String envelope) throws SAXException, IOException {
        Document doc = Dom.parse(envelope.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Element body = Dom.child(doc.getDocumentElement(), "Body");
        if (body == null || Dom.children(body).isEmpty()) {
            throw new SAXException("no SOAP Body content");
        }
        schema().newValidator().validate(new DOMSource(Dom.children(body).get(0)));
    }

    private static Schema load() {
        try (InputStream wsdl = PartnerApiSchema.class.getResourceAsStream("/marketing-cloud/etframework.wsdl")) {
            if (wsdl == null) {
                throw new IllegalStateException("marketing-cloud/etframework.wsdl not on the test classpath");
            }
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document definitions = factory.newDocumentBuilder().parse(wsdl);
            Element schemaElement = (Element) definitions.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI,
                    "schema").item(0);
            // Carry the WSDL's namespace declarations (xsd:, tns:) onto the schema, which uses them.
            NamedNodeMap attributes = definitions.getDocumentElement().getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                Node a = attributes.item(i);
                if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(a.getNamespaceURI()) && a.getPrefix() != null
                        && !schemaElement.hasAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, a.getLocalName())) {
                    schemaElement.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, a.getNodeName(), a.getNodeValue());
                }
            }
            for (Element imported : Dom.children(schemaElement, "import")) {
                schemaElement.removeChild(imported);
            }
            StringWriter xsd = new StringWriter();
            TransformerFactory.newInstance().newTransformer().transform(new DOMSource(schemaElement), new StreamResult(xsd));
            SchemaFactory schemas = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            return schemas.newSchema(new StreamSource(new StringReader(xsd.toString())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the partner API schema from the WSDL", e);
        }
    }
}
