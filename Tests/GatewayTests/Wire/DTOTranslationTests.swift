import Gateway
import Testing

/// The relay step's translation: when bodies are re-rendered, translated, scrubbed or left alone.
@Suite("DTOTranslation: relaying upstream responses in the client's format")
struct DTOTranslationTests {
    let style = WireStyle()
    let debugXML = #"<?xml version="1.0" encoding="utf-8"?><ConnectionRequestResendResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"><ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types"><d2p1:ErrorCode>NullReferenceException</d2p1:ErrorCode><d2p1:Message>Object reference not set to an instance of an object.</d2p1:Message><d2p1:StackTrace>at Svc.Any()</d2p1:StackTrace><d2p1:Errors /><d2p1:Meta xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><d3p1:KeyValueOfstringstring><d3p1:Key>InnerMessages</d3p1:Key><d3p1:Value>boom</d3p1:Value></d3p1:KeyValueOfstringstring></d2p1:Meta></ResponseStatus></ConnectionRequestResendResponse>"#

    @Test func sameFormatWithoutScrubbingIsRelayed() {
        for format in WireFormat.allCases {
            #expect(translate(WireSamples.typedErrorXML, format, format, scrub: false) == nil)
        }
        #expect(translate(debugXML, .xml, .xml, scrub: false) == nil)
    }

    @Test func sameFormatWithNothingToScrubIsRelayed() {
        #expect(translate(WireSamples.typedErrorXML, .xml, .xml, scrub: true) == nil)
        #expect(translate(WireSamples.bindingErrorJSON, .json, .json, scrub: true) == nil)
        #expect(translate(#"{"ResponseStatus":{"Errors":[],"Meta":{"k":"v"}}}"#, .json, .json, scrub: true) == nil)
    }

    @Test func debugFieldsAreScrubbedInTheSameFormat() {
        #expect(translate(debugXML, .xml, .xml, scrub: true) == WireSamples.typedErrorXML)
        let json = #"{"ResponseStatus":{"ErrorCode":"X","StackTrace":"at …","Errors":[],"Meta":{"InnerMessages":"a","Keep":"b"}}}"#
        #expect(translate(json, .json, .json, scrub: true) == #"{"ResponseStatus":{"ErrorCode":"X","Errors":[],"Meta":{"Keep":"b"}}}"#)
    }

    @Test func translatesBetweenFormats() {
        #expect(translate(WireSamples.bindingErrorXML, .xml, .json, scrub: false) == WireSamples.bindingErrorJSON)
        #expect(translate(WireSamples.successXML, .xml, .json, scrub: true) == "{}")
        #expect(translate("{}", .json, .xml, scrub: false) == WireSamples.successXML)
        // JSON does not say which envelope; the typed response is used.
        #expect(translate(#"{"ResponseStatus":{"ErrorCode":"NullReferenceException","Message":"Object reference not set to an instance of an object.","Errors":[]}}"#, .json, .xml, scrub: false) == WireSamples.typedErrorXML)
        #expect(translate(debugXML, .xml, .json, scrub: true) == #"{"ResponseStatus":{"ErrorCode":"NullReferenceException","Message":"Object reference not set to an instance of an object.","Errors":[]}}"#)
        #expect(translate(debugXML, .xml, .json, scrub: false)?.contains(#""StackTrace":"at Svc.Any()""#) == true)
    }

    @Test func camelCaseUpstreamJSONBecomesXMLAndBack() {
        let xml = translate(WireSamples.customErrorCamelJSON, .json, .xml, scrub: false)
        #expect(xml?.contains("<d2p1:ErrorCode>CustomException</d2p1:ErrorCode>") == true)
        let back = xml.flatMap { DTOTranslation.translateResponse(body: WireSamples.bytes($0), from: .xml, to: .json, style: WireStyle(jsonCase: .camel), scrubDebug: false) }
        #expect(WireSamples.text(back) == WireSamples.customErrorCamelJSON)
    }

    @Test(arguments: ["", "<!doctype html><html></html>", "Not Found", "404", "[]", "<x/>"])
    func bodiesThatAreNotResponseDTOsAreRelayed(_ body: String) {
        for (from, to) in [(WireFormat.json, WireFormat.xml), (.xml, .json), (.json, .json), (.xml, .xml)] {
            #expect(translate(body, from, to, scrub: true) == nil)
        }
    }

    @Test func jsonTextThatXMLCannotHoldIsRelayed() {
        #expect(translate(#"{"ResponseStatus":{"Message":"a\u0000b","Errors":[]}}"#, .json, .xml, scrub: false) == nil)
        #expect(translate(#"{"ResponseStatus":{"Meta":{"\uFFFF":"x"},"Errors":[]}}"#, .json, .xml, scrub: false) == nil)
        #expect(translate(#"{"Note":"\u0001"}"#, .json, .xml, scrub: false) == nil)
        #expect(translate(#"{"ResponseStatus":{"Message":"a\u0000b","Errors":[]}}"#, .json, .json, scrub: true) == nil)
    }

    private func translate(_ body: String, _ from: WireFormat, _ to: WireFormat, scrub: Bool) -> String? {
        WireSamples.text(DTOTranslation.translateResponse(body: WireSamples.bytes(body), from: from, to: to, style: style, scrubDebug: scrub))
    }
}

@Suite("scrubDebug")
struct ScrubDebugTests {
    @Test func removesStackTraceAndInnerMessagesOnly() {
        var status = ResponseStatus(errorCode: "E", message: "m", stackTrace: "trace",
                                    errors: [ResponseError(errorCode: "F", fieldName: "f", message: "x", meta: [("InnerMessages", "kept")])],
                                    meta: [("a", "1"), ("InnerMessages", "inner"), ("b", "2")])
        let removed = status.scrubDebug()
        #expect(removed)
        #expect(status == ResponseStatus(errorCode: "E", message: "m", stackTrace: nil,
                                         errors: [ResponseError(errorCode: "F", fieldName: "f", message: "x", meta: [("InnerMessages", "kept")])],
                                         meta: [("a", "1"), ("b", "2")]))
        let again = status.scrubDebug()
        #expect(!again)
    }

    @Test func aMetaLeftEmptyBecomesNull() {
        var status = ResponseStatus(errorCode: "E", message: nil, meta: [("InnerMessages", "x")])
        let removed = status.scrubDebug()
        #expect(removed && status.meta == nil)
        var untouched = ResponseStatus(errorCode: "E", message: nil, meta: [])
        let removedNothing = untouched.scrubDebug()
        #expect(!removedNothing)
        #expect(untouched.meta?.isEmpty == true)
    }
}
