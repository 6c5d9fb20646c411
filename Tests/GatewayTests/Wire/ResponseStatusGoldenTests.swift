import Gateway
import Testing

/// Golden bytes from the upstream's wire reference (§3.2): ServiceStack v5.9+, non-debug.
@Suite("ResponseStatus writers reproduce ServiceStack's bytes")
struct ResponseStatusGoldenTests {
    let style = WireStyle()

    @Test func successXML() {
        let expected = #"<?xml version="1.0" encoding="utf-8"?><ConnectionRequestResendResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"><ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types" i:nil="true" /></ConnectionRequestResendResponse>"#
        #expect(ResponseStatusXML.render(nil, envelope: .resend, style: style) == expected)
        #expect(ResponseStatusJSON.render(nil, style: style) == "{}")
    }

    @Test func typedServiceErrorXML() {
        let expected = #"<?xml version="1.0" encoding="utf-8"?><ConnectionRequestResendResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"><ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types"><d2p1:ErrorCode>NullReferenceException</d2p1:ErrorCode><d2p1:Message>Object reference not set to an instance of an object.</d2p1:Message><d2p1:StackTrace i:nil="true" /><d2p1:Errors /><d2p1:Meta xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays" i:nil="true" /></ResponseStatus></ConnectionRequestResendResponse>"#
        let status = ResponseStatus(errorCode: "NullReferenceException", message: "Object reference not set to an instance of an object.")
        #expect(ResponseStatusXML.render(status, envelope: .resend, style: style) == expected)
    }

    @Test func bindingErrorResponseXML() {
        let expected = #"<?xml version="1.0" encoding="utf-8"?><ErrorResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.servicestack.net/types"><ResponseStatus><ErrorCode>SerializationException</ErrorCode><Message>Unable to bind to request 'ConnectionRequestResend'</Message><StackTrace i:nil="true" /><Errors><ResponseError><ErrorCode>SerializationException</ErrorCode><FieldName>ContactId</FieldName><Message>'abc' is an Invalid value for 'ContactId'</Message><Meta xmlns:d5p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays" i:nil="true" /></ResponseError></Errors><Meta xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays" i:nil="true" /></ResponseStatus></ErrorResponse>"#
        #expect(ResponseStatusXML.render(Self.bindingError, envelope: .errorResponse, style: style) == expected)
    }

    @Test func bindingErrorJSONInBothCases() {
        let pascal = #"{"ResponseStatus":{"ErrorCode":"SerializationException","Message":"Unable to bind to request 'ConnectionRequestResend'","Errors":[{"ErrorCode":"SerializationException","FieldName":"ContactId","Message":"'abc' is an Invalid value for 'ContactId'"}]}}"#
        #expect(ResponseStatusJSON.render(Self.bindingError, style: style) == pascal)
        let camel = ResponseStatusJSON.render(Self.bindingError, style: WireStyle(jsonCase: .camel))
        #expect(camel.hasPrefix(#"{"responseStatus":{"errorCode":"SerializationException","message":"#))
        #expect(camel.contains(#""errors":[{"errorCode":"SerializationException","fieldName":"ContactId""#))
    }

    @Test func escapesTextInBothFormats() {
        let status = ResponseStatus(errorCode: "X", message: "a<b & \"c\"\n\u{01}\r")
        #expect(ResponseStatusJSON.render(status, style: style).contains(#""Message":"a<b & \"c\"\n\u0001\r""#))
        // XML 1.0 cannot hold U+0001 at all; a raw CR would come back as LF.
        #expect(ResponseStatusXML.render(status, envelope: .resend, style: style).contains("<d2p1:Message>a&lt;b &amp; \"c\"\n\u{FFFD}&#xD;</d2p1:Message>"))
    }

    static let bindingError = ResponseStatus(
        errorCode: "SerializationException", message: "Unable to bind to request 'ConnectionRequestResend'",
        errors: [ResponseError(errorCode: "SerializationException", fieldName: "ContactId", message: "'abc' is an Invalid value for 'ContactId'")])
}
