import Gateway
import Testing

@Suite("The stand-in upstream behaves like ServiceStack")
struct StubUpstreamTests {
    func withStub(_ options: StubOptions = StubOptions(), _ body: (String) async throws -> Void) async throws {
        var options = options
        options.port = 0
        let stub = try await StubUpstream.start(options)
        do { try await body("http://127.0.0.1:\(stub.port)") } catch {
            await stub.stop()
            throw error
        }
        await stub.stop()
    }

    let client = TestHTTPClient()

    @Test func badGUIDInTheQueryIsASerializationException() async throws {
        try await withStub { base in
            let response = await client.send("GET", base + "/api/connectionrequests/\(Fixtures.requestId)/resend?contactId=abc")
            #expect(response.status == 400)
            #expect(response.body == #"{"ResponseStatus":{"ErrorCode":"SerializationException","Message":"Unable to bind to request 'ConnectionRequestResend'","Errors":[{"ErrorCode":"SerializationException","FieldName":"contactId","Message":"'abc' is an Invalid value for 'ContactId'"}]}}"#)
        }
    }

    @Test func missingOrEmptyGUIDIsTheTypedNotEmptyError() async throws {
        try await withStub { base in
            let response = await client.send("GET", base + "/api/connectionrequests/00000000-0000-0000-0000-000000000000/resend", headers: ["Accept: application/xml"])
            #expect(response.status == 400)
            #expect(response.body.contains("<d2p1:ErrorCode>NotEmpty</d2p1:ErrorCode><d2p1:Message>'Connection Request Id' must not be empty.</d2p1:Message>"))
            #expect(response.body.contains("<d2p1:FieldName>ContactId</d2p1:FieldName><d2p1:Message>'Contact Id' must not be empty.</d2p1:Message>"))
        }
    }

    @Test func bindsFromJSONXMLAndFormBodiesAndCountsInvitations() async throws {
        try await withStub { base in
            let contact = Fixtures.guid()
            let json = await client.send("POST", base + "/json/reply/ConnectionRequestResend", headers: ["Content-Type: application/json"],
                body: #"{"connectionRequestId":"\#(Fixtures.requestId)","ContactId":"\#(contact)"}"#)
            #expect(json.status == 200)
            let xml = await client.send("POST", base + "/api/connectionrequests/\(Fixtures.requestId)/resend", headers: ["Content-Type: application/xml", "Accept: application/xml"],
                body: #"<ConnectionRequestResend xmlns="\#(WireStyle.defaultNamespace)"><ConnectionRequestId>\#(Fixtures.requestId)</ConnectionRequestId><ContactId>\#(contact)</ContactId></ConnectionRequestResend>"#)
            #expect(xml.status == 200)
            #expect(xml.header("Content-Type") == "application/xml")
            let form = await client.send("POST", base + "/api/connectionrequests/\(Fixtures.requestId)/resend", headers: ["Content-Type: application/x-www-form-urlencoded"], body: "ContactId=\(contact)")
            #expect(form.status == 200)
            let sent = await client.send("GET", base + "/__stub/sent")
            #expect(sent.body.contains(#""total":3"#))
            #expect(sent.body.contains(#""contactId":"\#(contact)","count":3"#))
        }
    }

    @Test func jsonOnlyStubRefusesXMLBodies() async throws {
        var options = StubOptions()
        options.formats = .json
        try await withStub(options) { base in
            let response = await client.send("POST", base + Fixtures.resendPath(), headers: ["Content-Type: application/xml"], body: "<ConnectionRequestResend/>")
            #expect(response.status == 415)
            #expect(response.header("Content-Type") == "application/json; charset=utf-8")
        }
    }

    @Test func failEveryAnswers503WithoutSending() async throws {
        var options = StubOptions()
        options.failEvery = 2
        try await withStub(options) { base in
            #expect(await client.send("GET", base + Fixtures.resendPath()).status == 200)
            #expect(await client.send("GET", base + Fixtures.resendPath()).status == 503)
            #expect(await client.send("GET", base + "/__stub/sent").body.contains(#""total":1"#))
        }
    }
}
