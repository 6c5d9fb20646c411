import Gateway
import Testing

@Suite("Format negotiation, ServiceStack's order")
struct FormatNegotiationTests {
    func negotiate(suffix: WireFormat? = nil, predefined: WireFormat? = nil, query: String? = nil, accept: String? = nil, contentType: String? = nil, fallback: WireFormat = .json) -> WireFormat {
        let route = ResendRoute(pathId: "x", suffixFormat: suffix, predefinedFormat: predefined)
        return FormatNegotiation.negotiate(route: route, query: query.map { Substring($0) }, accept: accept, contentType: contentType, defaultFormat: fallback)
    }

    @Test func suffixBeatsEverything() {
        #expect(negotiate(suffix: .xml, query: "format=json", accept: "application/json") == .xml)
    }

    @Test func predefinedPrefixBeatsQueryAndAccept() {
        #expect(negotiate(predefined: .xml, query: "format=json", accept: "application/json") == .xml)
    }

    @Test func queryFormatIsCaseInsensitiveAndBeatsAccept() {
        #expect(negotiate(query: "ContactId=1&FORMAT=XML", accept: "application/json") == .xml)
        #expect(negotiate(query: "format=xml.foo") == .xml)
        #expect(negotiate(query: "format=jsv", accept: "application/xml") == .xml)
    }

    @Test func acceptUsesServerOrderJSONFirst() {
        #expect(negotiate(accept: "application/xml, application/json", fallback: .xml) == .json)
        #expect(negotiate(accept: "application/xml;q=0.9") == .xml)
        #expect(negotiate(accept: "text/xml", fallback: .json) == .json)
    }

    @Test func wildcardFallsBackToTheRequestContentType() {
        #expect(negotiate(accept: "*/*", contentType: "application/xml; charset=utf-8") == .xml)
        #expect(negotiate(accept: "*/*", contentType: "application/x-www-form-urlencoded", fallback: .xml) == .xml)
        #expect(negotiate(accept: "*/*", fallback: .xml) == .xml)
    }

    @Test func nothingGivenUsesTheDefault() {
        #expect(negotiate(fallback: .xml) == .xml)
        #expect(negotiate() == .json)
    }
}
