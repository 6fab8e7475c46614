package edu.cu.ecomm.optout.emulator.marketingcloud;

import java.io.StringWriter;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes the emulator's SOAP answers with StAX, so every value is escaped. */
final class SoapWriter {

    static final String PARTNER_API = "http://exacttarget.com/wsdl/partnerAPI";
    static final String XSD = "http://www.w3.org/2001/XMLSchema";

    /** Writes the content of the Body, inside the partner API default namespace. */
    @FunctionalInterface
    interface BodyContent {
        void write(XMLStreamWriter out) throws XMLStreamException;
    }

    private SoapWriter() {
    }

    static String envelope(String soapNamespace, BodyContent content) {
        try {
            StringWriter buffer = new StringWriter();
            XMLStreamWriter out = XMLOutputFactory.newInstance().createXMLStreamWriter(buffer);
            out.writeStartDocument("utf-8", "1.0");
            out.setPrefix("soap", soapNamespace);
            out.writeStartElement("soap", "Envelope", soapNamespace);
            out.writeNamespace("soap", soapNamespace);
            out.writeNamespace("xsi", Dom.XSI);
            out.writeNamespace("xsd", XSD);
            out.writeStartElement("soap", "Body", soapNamespace);
            content.write(out);
            out.writeEndElement();
            out.writeEndElement();
            out.writeEndDocument();
            out.close();
            return buffer.toString();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts an element of the partner API namespace, declaring it as default namespace. */
    static void startMessage(XMLStreamWriter out, String name) throws XMLStreamException {
        out.writeStartElement("", name, PARTNER_API);
        out.writeDefaultNamespace(PARTNER_API);
    }

    static void start(XMLStreamWriter out, String name) throws XMLStreamException {
        out.writeStartElement("", name, PARTNER_API);
    }

    static void element(XMLStreamWriter out, String name, Object value) throws XMLStreamException {
        out.writeStartElement("", name, PARTNER_API);
        out.writeCharacters(String.valueOf(value));
        out.writeEndElement();
    }

    static void nil(XMLStreamWriter out, String name) throws XMLStreamException {
        out.writeEmptyElement("", name, PARTNER_API);
        out.writeAttribute("xsi", Dom.XSI, "nil", "true");
    }

    static void xsiType(XMLStreamWriter out, String type) throws XMLStreamException {
        out.writeAttribute("xsi", Dom.XSI, "type", type);
    }

    /**
     * A SOAP 1.1 fault as Marketing Cloud sends it: {@code faultcode} qualified by the envelope prefix
     * ({@code soap:Client}, {@code soap:Security}, {@code soap:Server}); Server faults carry a detail with an
     * error code (shape after Marketing Cloud's fault documentation; the fault XSD itself is not in the reference).
     */
    static String fault(String soapNamespace, String code, String message, Integer errorCode) {
        return envelope(soapNamespace, out -> {
            out.writeStartElement("soap", "Fault", soapNamespace);
            out.writeStartElement("faultcode");
            out.writeCharacters("soap:" + code);
            out.writeEndElement();
            out.writeStartElement("faultstring");
            out.writeCharacters(message);
            out.writeEndElement();
            if (errorCode != null) {
                out.writeStartElement("detail");
                out.writeStartElement("", "fault", "urn:fault.partner.exacttarget.com");
                out.writeDefaultNamespace("urn:fault.partner.exacttarget.com");
                out.writeStartElement("", "ErrorCode", "urn:fault.partner.exacttarget.com");
                out.writeCharacters(errorCode.toString());
                out.writeEndElement();
                out.writeStartElement("", "ErrorMessage", "urn:fault.partner.exacttarget.com");
                out.writeCharacters(message);
                out.writeEndElement();
                out.writeEndElement();
                out.writeEndElement();
            }
            out.writeEndElement();
        });
    }
}
