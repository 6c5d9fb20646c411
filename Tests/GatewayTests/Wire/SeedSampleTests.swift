// The seed's samples (and the reference's golden bytes, shared with the other wire tests) parse
// and translate as SPEC §4.8 requires.
import Gateway
import Testing

/// The seed's sample bodies (seed/ConnectionRequestResend.txt, copied verbatim, indentation included)
/// and the golden bytes of servicestack-wire §3, shared by the wire codec tests.
enum WireSamples {
    static let ns = "http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"

    static let seedRequest = """
        <ConnectionRequestResend xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel">
          <ConnectionRequestId>00000000-0000-0000-0000-000000000000</ConnectionRequestId>
          <ContactId>00000000-0000-0000-0000-000000000000</ContactId>
        </ConnectionRequestResend>
        """

    static let seedResponse = """
        <ConnectionRequestResendResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel">
          <ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types">
            <d2p1:ErrorCode>String</d2p1:ErrorCode>
            <d2p1:Message>String</d2p1:Message>
            <d2p1:StackTrace>String</d2p1:StackTrace>
            <d2p1:Errors>
              <d2p1:ResponseError>
                <d2p1:ErrorCode>String</d2p1:ErrorCode>
                <d2p1:FieldName>String</d2p1:FieldName>
                <d2p1:Message>String</d2p1:Message>
                <d2p1:Meta xmlns:d5p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays">
                  <d5p1:KeyValueOfstringstring>
                    <d5p1:Key>String</d5p1:Key>
                    <d5p1:Value>String</d5p1:Value>
                  </d5p1:KeyValueOfstringstring>
                </d2p1:Meta>
              </d2p1:ResponseError>
            </d2p1:Errors>
            <d2p1:Meta xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays">
              <d3p1:KeyValueOfstringstring>
                <d3p1:Key>String</d3p1:Key>
                <d3p1:Value>String</d3p1:Value>
              </d3p1:KeyValueOfstringstring>
            </d2p1:Meta>
          </ResponseStatus>
        </ConnectionRequestResendResponse>
        """

    static let successXML = #"<?xml version="1.0" encoding="utf-8"?><ConnectionRequestResendResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"><ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types" i:nil="true" /></ConnectionRequestResendResponse>"#
    static let typedErrorXML = #"<?xml version="1.0" encoding="utf-8"?><ConnectionRequestResendResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"><ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types"><d2p1:ErrorCode>NullReferenceException</d2p1:ErrorCode><d2p1:Message>Object reference not set to an instance of an object.</d2p1:Message><d2p1:StackTrace i:nil="true" /><d2p1:Errors /><d2p1:Meta xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays" i:nil="true" /></ResponseStatus></ConnectionRequestResendResponse>"#
    static let bindingErrorXML = #"<?xml version="1.0" encoding="utf-8"?><ErrorResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.servicestack.net/types"><ResponseStatus><ErrorCode>SerializationException</ErrorCode><Message>Unable to bind to request 'ConnectionRequestResend'</Message><StackTrace i:nil="true" /><Errors><ResponseError><ErrorCode>SerializationException</ErrorCode><FieldName>ContactId</FieldName><Message>'abc' is an Invalid value for 'ContactId'</Message><Meta xmlns:d5p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays" i:nil="true" /></ResponseError></Errors><Meta xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays" i:nil="true" /></ResponseStatus></ErrorResponse>"#
    static let bindingErrorJSON = #"{"ResponseStatus":{"ErrorCode":"SerializationException","Message":"Unable to bind to request 'ConnectionRequestResend'","Errors":[{"ErrorCode":"SerializationException","FieldName":"ContactId","Message":"'abc' is an Invalid value for 'ContactId'"}]}}"#
    /// ServiceStack's own test bytes (ExceptionHandlingTests.cs:492), camelCase host.
    static let customErrorCamelJSON = #"{"responseStatus":{"errorCode":"CustomException","message":"User Defined Error","errors":[]}}"#

    /// The seed response as a model.
    static let seedStatus = ResponseStatus(
        errorCode: "String", message: "String", stackTrace: "String",
        errors: [ResponseError(errorCode: "String", fieldName: "String", message: "String", meta: [("String", "String")])],
        meta: [("String", "String")])

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    static func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    /// The element tree with whitespace between child elements dropped: the infoset the tests compare.
    static func infoset(_ element: XMLElement) -> XMLElement {
        var copy = element
        copy.children = element.children.map(infoset)
        if !copy.children.isEmpty && element.textIsBlank { copy.text = "" }
        return copy
    }
}

@Suite("The seed's sample bodies parse and translate")
struct SeedSampleTests {
    let style = WireStyle()

    @Test func sampleRequestParsesIgnoringIndentation() throws {
        let root = try XMLReader.parse(WireSamples.seedRequest)
        #expect(root.name == "ConnectionRequestResend")
        #expect(root.namespace == WireSamples.ns)
        #expect(root.attributes.isEmpty)
        #expect(root.children.map(\.name) == ["ConnectionRequestId", "ContactId"])
        #expect(root.children.allSatisfy { $0.namespace == WireSamples.ns && $0.text == "00000000-0000-0000-0000-000000000000" })
        let fields = try RequestBodyFields.decodeXML(WireSamples.bytes(WireSamples.seedRequest), style: style)
        #expect(fields == RequestBodyFields(connectionRequestId: "00000000-0000-0000-0000-000000000000", contactId: "00000000-0000-0000-0000-000000000000"))
    }

    @Test func sampleResponseParsesToTheModel() throws {
        let root = try XMLReader.parse(WireSamples.seedResponse)
        let status = try #require(root.children.first)
        #expect(status.name == "ResponseStatus" && status.namespace == WireSamples.ns)
        #expect(status.children.map(\.name) == ["ErrorCode", "Message", "StackTrace", "Errors", "Meta"])
        #expect(status.children.allSatisfy { $0.namespace == WireStyle.servicestackTypes })
        let entry = try #require(status.children.last?.children.first)
        #expect(entry.name == "KeyValueOfstringstring" && entry.namespace == WireStyle.arrays)

        let dto = try #require(ResponseDTOXML.decode(WireSamples.bytes(WireSamples.seedResponse), style: style))
        #expect(dto == ResponseDTO(envelope: .resend, responseStatus: WireSamples.seedStatus))
    }

    @Test func responseXMLToJSONToXMLKeepsTheInfoset() throws {
        let seed = WireSamples.bytes(WireSamples.seedResponse)
        let json = try #require(DTOTranslation.translateResponse(body: seed, from: .xml, to: .json, style: style, scrubDebug: false))
        #expect(WireSamples.text(json) == #"{"ResponseStatus":{"ErrorCode":"String","Message":"String","StackTrace":"String","Errors":[{"ErrorCode":"String","FieldName":"String","Message":"String","Meta":{"String":"String"}}],"Meta":{"String":"String"}}}"#)
        let xml = try #require(DTOTranslation.translateResponse(body: json, from: .json, to: .xml, style: style, scrubDebug: false))
        let original = WireSamples.infoset(try XMLReader.parse(seed))
        let translated = WireSamples.infoset(try XMLReader.parse(xml))
        #expect(translated == original)
        #expect(WireSamples.text(xml)?.hasPrefix(#"<?xml version="1.0" encoding="utf-8"?><ConnectionRequestResendResponse xmlns:i="#) == true)
    }

    @Test func scrubbingTheSampleRemovesTheStackTraceOnly() throws {
        let seed = WireSamples.bytes(WireSamples.seedResponse)
        let json = try #require(DTOTranslation.translateResponse(body: seed, from: .xml, to: .json, style: style, scrubDebug: true))
        #expect(WireSamples.text(json)?.contains("StackTrace") == false)
        #expect(WireSamples.text(json)?.contains(#""Meta":{"String":"String"}}"#) == true)
    }
}
