import Gateway
import Testing

/// Response DTO codecs: ServiceStack's golden bytes survive decode→encode, and the unknown-member rule.
@Suite("Response DTO codecs: decode and re-encode ServiceStack's bytes")
struct ResponseDTOCodecTests {
    let style = WireStyle()
    let camel = WireStyle(jsonCase: .camel)

    @Test(arguments: [WireSamples.successXML, WireSamples.typedErrorXML, WireSamples.bindingErrorXML])
    func goldenXMLSurvivesDecodeEncode(_ golden: String) throws {
        let dto = try #require(ResponseDTOXML.decode(WireSamples.bytes(golden), style: style))
        #expect(ResponseDTOXML.encode(dto, style: style) == golden)
    }

    @Test func goldenXMLDecodesToTheRightEnvelope() throws {
        #expect(ResponseDTOXML.decode(WireSamples.bytes(WireSamples.successXML), style: style) == ResponseDTO(envelope: .resend, responseStatus: nil))
        let binding = try #require(ResponseDTOXML.decode(WireSamples.bytes(WireSamples.bindingErrorXML), style: style))
        #expect(binding.envelope == .errorResponse)
        #expect(binding.responseStatus?.errors.first?.fieldName == "ContactId")
    }

    @Test(arguments: [
        (WireSamples.bindingErrorJSON, JSONCase.pascal),
        (WireSamples.customErrorCamelJSON, .camel),
        ("{}", .pascal),
        (#"{"ResponseStatus":{"Errors":[]}}"#, .pascal),
    ])
    func goldenJSONSurvivesDecodeEncode(_ golden: String, _ jsonCase: JSONCase) throws {
        let dto = try #require(ResponseDTOJSON.decode(WireSamples.bytes(golden)))
        #expect(ResponseDTOJSON.encode(dto, style: WireStyle(jsonCase: jsonCase)) == golden)
    }

    @Test func jsonReadsMembersCaseInsensitivelyWithNullsAndMissingErrors() throws {
        let dto = try #require(ResponseDTOJSON.decode(WireSamples.bytes(#"{"RESPONSESTATUS":{"errorcode":"X","Message":null,"stackTrace":"t","META":{"k":"v"}}}"#)))
        #expect(dto.responseStatus == ResponseStatus(errorCode: "X", message: nil, stackTrace: "t", errors: [], meta: [("k", "v")]))
        #expect(ResponseDTOJSON.encode(dto, style: camel) == #"{"responseStatus":{"errorCode":"X","stackTrace":"t","errors":[],"meta":{"k":"v"}}}"#)
        #expect(ResponseDTOJSON.decode(WireSamples.bytes(#"{"ResponseStatus":null}"#)) == ResponseDTO(responseStatus: nil))
    }

    @Test func fieldErrorMetaIsWrittenInBothFormats() {
        let status = ResponseStatus(errorCode: "NotEmpty", message: "'Contact Id' must not be empty.",
                                    errors: [ResponseError(errorCode: "NotEmpty", fieldName: "ContactId", message: "m", meta: [("PropertyName", "Contact Id"), ("a&b", "<v>")])],
                                    meta: [])
        #expect(ResponseStatusJSON.render(status, style: style)
            == #"{"ResponseStatus":{"ErrorCode":"NotEmpty","Message":"'Contact Id' must not be empty.","Errors":[{"ErrorCode":"NotEmpty","FieldName":"ContactId","Message":"m","Meta":{"PropertyName":"Contact Id","a&b":"<v>"}}],"Meta":{}}}"#)
        #expect(ResponseStatusXML.render(status, envelope: .resend, style: style)
            == #"<?xml version="1.0" encoding="utf-8"?><ConnectionRequestResendResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"><ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types"><d2p1:ErrorCode>NotEmpty</d2p1:ErrorCode><d2p1:Message>'Contact Id' must not be empty.</d2p1:Message><d2p1:StackTrace i:nil="true" /><d2p1:Errors><d2p1:ResponseError><d2p1:ErrorCode>NotEmpty</d2p1:ErrorCode><d2p1:FieldName>ContactId</d2p1:FieldName><d2p1:Message>m</d2p1:Message><d2p1:Meta xmlns:d5p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><d5p1:KeyValueOfstringstring><d5p1:Key>PropertyName</d5p1:Key><d5p1:Value>Contact Id</d5p1:Value></d5p1:KeyValueOfstringstring><d5p1:KeyValueOfstringstring><d5p1:Key>a&amp;b</d5p1:Key><d5p1:Value>&lt;v&gt;</d5p1:Value></d5p1:KeyValueOfstringstring></d2p1:Meta></d2p1:ResponseError></d2p1:Errors><d2p1:Meta xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays" /></ResponseStatus></ConnectionRequestResendResponse>"#)
    }

    @Test func xmlReadsNilsEmptiesAndAnyPrefixes() throws {
        let doc = #"<r:ConnectionRequestResendResponse xmlns:r="\#(WireSamples.ns)" xmlns:x="http://www.w3.org/2001/XMLSchema-instance"><r:ResponseStatus xmlns:t="http://schemas.servicestack.net/types"><t:ErrorCode>E</t:ErrorCode><t:Message/><t:StackTrace x:nil=" 1 "/><t:Errors x:nil="true"/><t:Unknown><deep/></t:Unknown></r:ResponseStatus></r:ConnectionRequestResendResponse>"#
        let dto = try #require(ResponseDTOXML.decode(WireSamples.bytes(doc), style: style))
        #expect(dto.responseStatus == ResponseStatus(errorCode: "E", message: "", stackTrace: nil, errors: [], meta: nil))
    }

    @Test(arguments: [
        "<html><body>oops</body></html>",
        #"<ConnectionRequestResendResponse xmlns="urn:other"/>"#,
        #"<ErrorResponse xmlns="\#(WireSamples.ns)x"/>"#,
        #"<ConnectionRequestResendResponse xmlns="\#(WireSamples.ns)">text</ConnectionRequestResendResponse>"#,
        #"<ConnectionRequestResendResponse xmlns="\#(WireSamples.ns)"><ResponseStatus/><ResponseStatus/></ConnectionRequestResendResponse>"#,
        #"<ConnectionRequestResendResponse xmlns="\#(WireSamples.ns)"><ResponseStatus><ErrorCode xmlns="http://schemas.servicestack.net/types">a</ErrorCode><ErrorCode xmlns="http://schemas.servicestack.net/types">b</ErrorCode></ResponseStatus></ConnectionRequestResendResponse>"#,
        #"<ConnectionRequestResendResponse xmlns="\#(WireSamples.ns)"><ResponseStatus xmlns:t="http://schemas.servicestack.net/types"><t:Message><b/></t:Message></ResponseStatus></ConnectionRequestResendResponse>"#,
        #"<ConnectionRequestResendResponse xmlns="\#(WireSamples.ns)"><ResponseStatus xmlns:t="http://schemas.servicestack.net/types"><t:Errors><t:Other/></t:Errors></ResponseStatus></ConnectionRequestResendResponse>"#,
        #"<ConnectionRequestResendResponse xmlns="\#(WireSamples.ns)"><ResponseStatus xmlns:t="http://schemas.servicestack.net/types" xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><t:Meta><a:KeyValueOfstringstring><a:Key>k</a:Key><a:Value i:nil="true"/></a:KeyValueOfstringstring></t:Meta></ResponseStatus></ConnectionRequestResendResponse>"#,
        #"<ConnectionRequestResendResponse xmlns="\#(WireSamples.ns)"><ResponseStatus xmlns:t="http://schemas.servicestack.net/types" xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><t:Meta><a:KeyValueOfstringstring><a:Key>k</a:Key><a:Value>1</a:Value></a:KeyValueOfstringstring><a:KeyValueOfstringstring><a:Key>k</a:Key><a:Value>2</a:Value></a:KeyValueOfstringstring></t:Meta></ResponseStatus></ConnectionRequestResendResponse>"#,
        "",
    ])
    func xmlThatIsNotTheDTODecodesToNil(_ doc: String) {
        #expect(ResponseDTOXML.decode(WireSamples.bytes(doc), style: style) == nil)
    }

    @Test(arguments: [
        "[]", #""x""#, "", "<html/>", #"{"ResponseStatus":"x"}"#, #"{"ResponseStatus":{"ErrorCode":1}}"#,
        #"{"ResponseStatus":{"Errors":{}}}"#, #"{"ResponseStatus":{"Errors":["x"]}}"#, #"{"ResponseStatus":{"Meta":{"k":null}}}"#,
        #"{"ResponseStatus":{"Meta":[]}}"#, #"{"ResponseStatus":{},"responseStatus":{}}"#,
    ])
    func jsonThatIsNotTheDTODecodesToNil(_ doc: String) {
        #expect(ResponseDTOJSON.decode(WireSamples.bytes(doc)) == nil)
    }
}

@Suite("Response DTO codecs: members the model does not know")
struct UnknownMemberRuleTests {
    let style = WireStyle()

    @Test func jsonScalarsAreKeptAndStructuresDropped() throws {
        let json = #"{"count":5,"ResponseStatus":{"ErrorCode":"E","Errors":[],"Extra":"dropped"},"name":"a<b","ok":true,"gone":null,"list":[1],"obj":{"a":1},"bad name":"x"}"#
        let dto = try #require(ResponseDTOJSON.decode(WireSamples.bytes(json)))
        #expect(dto.extraMembers == [
            ExtraMember(name: "Count", value: .number("5")), ExtraMember(name: "Name", value: .string("a<b")),
            ExtraMember(name: "Ok", value: .bool(true)), ExtraMember(name: "Gone", value: .null),
        ])
        #expect(ResponseDTOJSON.encode(dto, style: style) == #"{"ResponseStatus":{"ErrorCode":"E","Errors":[]},"Count":5,"Name":"a<b","Ok":true}"#)
        #expect(ResponseDTOJSON.encode(dto, style: WireStyle(jsonCase: .camel)) == #"{"responseStatus":{"errorCode":"E","errors":[]},"count":5,"name":"a<b","ok":true}"#)
        let xml = ResponseDTOXML.encode(dto, style: style)
        #expect(xml.hasSuffix(#"</ResponseStatus><Count>5</Count><Name>a&lt;b</Name><Ok>true</Ok><Gone i:nil="true" /></ConnectionRequestResendResponse>"#))
    }

    @Test func extrasWithoutResponseStatusStillMakeValidJSON() throws {
        let dto = try #require(ResponseDTOJSON.decode(WireSamples.bytes(#"{"a":"1"}"#)))
        #expect(ResponseDTOJSON.encode(dto, style: style) == #"{"A":"1"}"#)
    }

    @Test func xmlLeafElementsInTheDTONamespaceAreKeptAsText() throws {
        let doc = #"<ErrorResponse xmlns="http://schemas.servicestack.net/types" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><ResponseStatus i:nil="true"/><Total>7</Total><Nothing i:nil="true"/><Tree><x/></Tree><o:Other xmlns:o="urn:o">x</o:Other><total>dup</total><responseStatus>clash</responseStatus></ErrorResponse>"#
        let dto = try #require(ResponseDTOXML.decode(WireSamples.bytes(doc), style: style))
        #expect(dto.envelope == .errorResponse)
        #expect(dto.extraMembers == [ExtraMember(name: "Total", value: .string("7")), ExtraMember(name: "Nothing", value: .null)])
        #expect(ResponseDTOJSON.encode(dto, style: style) == #"{"Total":"7"}"#)
        #expect(ResponseDTOXML.encode(dto, style: style) == #"<?xml version="1.0" encoding="utf-8"?><ErrorResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.servicestack.net/types"><ResponseStatus i:nil="true" /><Total>7</Total><Nothing i:nil="true" /></ErrorResponse>"#)
    }
}
