package edu.cu.ecomm.optout.emulator.marketingcloud;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** Namespace-aware, entity-free DOM reading for the emulator; children are matched by local name. */
final class Dom {

    static final String XSI = XMLConstants.W3C_XML_SCHEMA_INSTANCE_NS_URI;

    private Dom() {
    }

    static Document parse(byte[] xml) throws IOException, SAXException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    static List<Element> children(Element parent, String localName) {
        return children(parent).stream().filter(e -> localName.equals(e.getLocalName())).toList();
    }

    static Element child(Element parent, String localName) {
        List<Element> found = children(parent, localName);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The first child named {@code localName} in namespace {@code namespace}, for headers whose namespace matters. */
    static Element child(Element parent, String namespace, String localName) {
        return children(parent, localName).stream().filter(e -> namespace.equals(e.getNamespaceURI())).findFirst()
                .orElse(null);
    }

    static String text(Element parent, String localName) {
        Element e = child(parent, localName);
        return e == null || "true".equals(e.getAttributeNS(XSI, "nil")) ? null : e.getTextContent().trim();
    }

    /** The local part of an {@code xsi:type} value such as {@code par:SimpleFilterPart}. */
    static String xsiType(Element e) {
        String type = e.getAttributeNS(XSI, "type");
        int colon = type.indexOf(':');
        return colon < 0 ? type : type.substring(colon + 1);
    }
}
