import Gateway
import Testing

/// Request bodies: binding the raw members from JSON/XML, and the canonical body sent upstream.
@Suite("ConnectionRequestResend request bodies: binding the raw members")
struct RequestBodyFieldsTests {
    let style = WireStyle()
    let id = "2f1e0d9c-8b7a-4695-a4b3-c2d1e0f9a8b7"

    @Test func jsonMembersMatchCaseInsensitively() throws {
        let pascal = try decodeJSON(#"{"ConnectionRequestId":"a","ContactId":"b","Other":{"x":1}}"#)
        #expect(pascal == RequestBodyFields(connectionRequestId: "a", contactId: "b"))
        let camel = try decodeJSON(#"{"connectionRequestId":"a","contactid":"b"}"#)
        #expect(camel == RequestBodyFields(connectionRequestId: "a", contactId: "b"))
        #expect(try decodeJSON(#"{"CONTACTID":"c"}"#) == RequestBodyFields(contactId: "c"))
    }

    @Test func jsonNullIsAbsentAndNonStringsKeepTheirText() throws {
        #expect(try decodeJSON(#"{"ContactId":null}"#) == RequestBodyFields())
        #expect(try decodeJSON(#"{"ContactId":123.50}"#).contactId == "123.50")
        #expect(try decodeJSON(#"{"ContactId":true}"#).contactId == "true")
        #expect(try decodeJSON(#"{"ContactId": { "a" : [1, "x"] } }"#).contactId == #"{"a":[1,"x"]}"#)
    }

    @Test func jsonRefusals() {
        #expect(kind { try decodeJSON(#"{"ContactId":"a","contactid":"b"}"#) } == .malformedJSON)
        #expect(kind { try decodeJSON(#"{"ContactId":"a","ContactId":"a"}"#) } == .malformedJSON)
        #expect(kind { try decodeJSON(#"["a"]"#) } == .notAnObject)
        #expect(kind { try decodeJSON(#""a""#) } == .notAnObject)
        #expect(kind { try decodeJSON(#"{"ContactId":"a"} x"#) } == .malformedJSON)
        #expect(kind { try RequestBodyFields.decodeJSON([0x7B, 0xFF, 0x7D]) } == .malformedJSON)
        #expect(kind { try RequestBodyFields.decodeJSON(Array("{}".utf8), maxBytes: 1) } == .malformedJSON)
    }

    @Test func xmlBindsMembersInTheContractNamespace() throws {
        let doc = #"<?xml version="1.0"?><ConnectionRequestResend xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="\#(WireSamples.ns)"><ContactId>"# + " \(id)\n" + #"</ContactId><ConnectionRequestId i:nil="true" /><Other><x/></Other></ConnectionRequestResend>"#
        #expect(try decodeXML(doc) == RequestBodyFields(contactId: id))
        let prefixed = #"<p:ConnectionRequestResend xmlns:p="\#(WireSamples.ns)"><p:ConnectionRequestId>abc</p:ConnectionRequestId><ContactId>ignored</ContactId></p:ConnectionRequestResend>"#
        #expect(try decodeXML(prefixed) == RequestBodyFields(connectionRequestId: "abc"))
    }

    @Test func xmlRefusals() {
        let ns = WireSamples.ns
        #expect(kind { try decodeXML(#"<ConnectionRequestResendX xmlns="\#(ns)"/>"#) } == .wrongRoot)
        #expect(kind { try decodeXML(#"<ConnectionRequestResend xmlns="urn:other"/>"#) } == .wrongRoot)
        #expect(kind { try decodeXML(#"<ConnectionRequestResend/>"#) } == .wrongRoot)
        #expect(kind { try decodeXML(#"<ConnectionRequestResend xmlns="\#(ns)"><ContactId>a</ContactId><ContactId>a</ContactId></ConnectionRequestResend>"#) } == .repeatedMember)
        #expect(kind { try decodeXML(#"<ConnectionRequestResend xmlns="\#(ns)"><ContactId><x/></ContactId></ConnectionRequestResend>"#) } == .unexpectedContent)
        #expect(kind { try decodeXML(#"<ConnectionRequestResend xmlns="\#(ns)">text<ContactId>a</ContactId></ConnectionRequestResend>"#) } == .unexpectedContent)
        #expect(kind { try decodeXML(#"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ConnectionRequestResend xmlns="\#(ns)"><ContactId>&e;</ContactId></ConnectionRequestResend>"#) } == .malformedXML)
        #expect(kind { try decodeXML("<ConnectionRequestResend xmlns=\"\(ns)\"><ContactId>a</ContactId>") } == .malformedXML)
    }

    @Test func xmlUsesTheConfiguredNamespace() throws {
        let custom = WireStyle(xmlNamespace: "urn:custom")
        let doc = Array(#"<ConnectionRequestResend xmlns="urn:custom"><ContactId>x</ContactId></ConnectionRequestResend>"#.utf8)
        #expect(try RequestBodyFields.decode(doc, format: .xml, style: custom) == RequestBodyFields(contactId: "x"))
        #expect(throws: DTOError.self) { try RequestBodyFields.decode(doc, format: .xml, style: style) }
    }

    private func decodeJSON(_ text: String) throws(DTOError) -> RequestBodyFields {
        try RequestBodyFields.decode(Array(text.utf8), format: .json, style: style)
    }

    private func decodeXML(_ text: String) throws(DTOError) -> RequestBodyFields {
        try RequestBodyFields.decodeXML(Array(text.utf8), style: style)
    }

    private func kind(_ work: () throws -> RequestBodyFields) -> DTOError.Kind? {
        do {
            _ = try work()
            return nil
        } catch let error as DTOError {
            return error.kind
        } catch {
            return nil
        }
    }
}

@Suite("Canonical request bodies")
struct CanonicalRequestBodyTests {
    let request = GUID("{2F1E0D9C-8B7A-4695-A4B3-C2D1E0F9A8B7}")
    let contact = GUID("00112233445566778899AABBCCDDEEFF")

    @Test func jsonUsesNFormAndTheConfiguredCase() throws {
        let (r, c) = (try #require(request), try #require(contact))
        #expect(CanonicalRequestBody.json(connectionRequestId: r, contactId: c, style: WireStyle())
            == #"{"ConnectionRequestId":"2f1e0d9c8b7a4695a4b3c2d1e0f9a8b7","ContactId":"00112233445566778899aabbccddeeff"}"#)
        #expect(CanonicalRequestBody.json(connectionRequestId: r, contactId: c, style: WireStyle(jsonCase: .camel))
            == #"{"connectionRequestId":"2f1e0d9c8b7a4695a4b3c2d1e0f9a8b7","contactId":"00112233445566778899aabbccddeeff"}"#)
    }

    @Test func xmlIsDataContractSerializersBytes() throws {
        let (r, c) = (try #require(request), try #require(contact))
        let expected = #"<?xml version="1.0" encoding="utf-8"?><ConnectionRequestResend xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"><ConnectionRequestId>2f1e0d9c-8b7a-4695-a4b3-c2d1e0f9a8b7</ConnectionRequestId><ContactId>00112233-4455-6677-8899-aabbccddeeff</ContactId></ConnectionRequestResend>"#
        #expect(CanonicalRequestBody.xml(connectionRequestId: r, contactId: c, style: WireStyle()) == expected)
        #expect(CanonicalRequestBody.encode(connectionRequestId: r, contactId: c, format: .xml, style: WireStyle()) == Array(expected.utf8))
    }

    @Test func requestBodyCodecAdaptsBothDirections() throws {
        let resend = ConnectionRequestResend(connectionRequestId: try #require(request), contactId: try #require(contact))
        let style = WireStyle(xmlNamespace: "urn:ns")
        let xml = RequestBodyCodec.encode(resend, format: .xml, style: style)
        #expect(xml.contains(#"xmlns="urn:ns"><ConnectionRequestId>2f1e0d9c-8b7a-4695-a4b3-c2d1e0f9a8b7</ConnectionRequestId>"#))
        let fields = try RequestBodyCodec.decode(Array(xml.utf8), format: .xml, xmlNamespace: "urn:ns")
        #expect(fields == RequestBodyFields(connectionRequestId: "2f1e0d9c-8b7a-4695-a4b3-c2d1e0f9a8b7", contactId: "00112233-4455-6677-8899-aabbccddeeff"))
        #expect(throws: DTOError.self) { try RequestBodyCodec.decode(Array(xml.utf8), format: .xml, xmlNamespace: WireSamples.ns) }
        #expect(RequestBodyCodec.encode(resend, format: .json, style: style) == #"{"ConnectionRequestId":"2f1e0d9c8b7a4695a4b3c2d1e0f9a8b7","ContactId":"00112233445566778899aabbccddeeff"}"#)
    }

    @Test func bothEncodingsBindBackToTheSameGUIDs() throws {
        let (r, c) = (try #require(request), try #require(contact))
        for format in WireFormat.allCases {
            for jsonCase in JSONCase.allCases {
                let style = WireStyle(jsonCase: jsonCase)
                let body = CanonicalRequestBody.encode(connectionRequestId: r, contactId: c, format: format, style: style)
                let fields = try RequestBodyFields.decode(body, format: format, style: style)
                #expect(fields.connectionRequestId.flatMap { GUID($0) } == r)
                #expect(fields.contactId.flatMap { GUID($0) } == c)
            }
        }
    }
}
