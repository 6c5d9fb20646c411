import Gateway
import Testing

@Suite("JSON ⇄ XML translation through a live gateway")
struct TranslatePluginTests {
    static let success = #"<?xml version="1.0" encoding="utf-8"?><ConnectionRequestResendResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"><ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types" i:nil="true" /></ConnectionRequestResendResponse>"#

    @Test func jsonClientTalksToAnXMLOnlyUpstream() async throws {
        var stub = StubOptions()
        stub.formats = .xml
        try await withGateway(stub: stub, sections: ["upstream": ["format = \"xml\""]]) { gateway in
            let response = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: ["Accept: application/json"])
            #expect(response.status == 200)
            #expect(response.body == "{}")
            #expect(response.header("Content-Type") == "application/json; charset=utf-8")
            let last = try EchoedRequest.decode(await gateway.client.send("GET", gateway.stubBase + "/__stub/last").body)
            #expect(last.value("Content-Type") == "application/xml")
            #expect(last.body.contains("<ContactId>\(Fixtures.contactId)</ContactId>"))
        }
    }

    @Test func xmlClientTalksToAJSONOnlyUpstream() async throws {
        var stub = StubOptions()
        stub.formats = .json
        try await withGateway(stub: stub, sections: ["upstream": ["format = \"json\""]]) { gateway in
            let response = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: ["Accept: application/xml"])
            #expect(response.status == 200)
            #expect(response.body == Self.success)
            #expect(response.header("Content-Type") == "application/xml")
        }
    }

    @Test func upstreamErrorsAreTranslatedAndScrubbed() async throws {
        var stub = StubOptions()
        stub.formats = .json
        try await withGateway(stub: stub, sections: ["upstream": ["format = \"json\""]]) { gateway in
            _ = await gateway.client.send("POST", gateway.stubBase + "/__stub/faults?error_next=2")
            let xml = await gateway.client.send("GET", gateway.base + Fixtures.resendPath(), headers: ["Accept: application/xml"])
            #expect(xml.status == 500)
            #expect(xml.body == #"<?xml version="1.0" encoding="utf-8"?><ConnectionRequestResendResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"><ResponseStatus xmlns:d2p1="http://schemas.servicestack.net/types"><d2p1:ErrorCode>NullReferenceException</d2p1:ErrorCode><d2p1:Message>Object reference not set to an instance of an object.</d2p1:Message><d2p1:StackTrace i:nil="true" /><d2p1:Errors /><d2p1:Meta xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays" i:nil="true" /></ResponseStatus></ConnectionRequestResendResponse>"#)
            let json = await gateway.client.send("GET", gateway.base + Fixtures.resendPath(), headers: ["Accept: application/json"])
            #expect(json.status == 500)
            #expect(json.body == #"{"ResponseStatus":{"ErrorCode":"NullReferenceException","Message":"Object reference not set to an instance of an object.","Errors":[]}}"#)
        }
    }

    @Test func bodiesThatAreNotJSONOrXMLAreRelayedUnchanged() async throws {
        var stub = StubOptions()
        stub.failEvery = 1
        try await withGateway(stub: stub) { gateway in
            let response = await gateway.client.send("GET", gateway.base + Fixtures.resendPath(), headers: ["Accept: application/xml"])
            #expect(response.status == 503)
            #expect(response.body == "stub: failing on purpose")
            #expect(response.header("Content-Type") == "text/plain")
        }
    }
}
