import Gateway
import Testing

@Suite("Binding and validation through a live gateway")
struct BindPluginTests {
    static let id = Fixtures.requestId
    static let contact = Fixtures.contactId

    @Test func badGUIDIsASerializationExceptionInTheClientsFormat() async throws {
        try await withGateway { gateway in
            let json = await gateway.client.send("GET", gateway.base + "/api/connectionrequests/\(Self.id)/resend?contactId=abc")
            #expect(json.status == 400)
            #expect(json.body == #"{"ResponseStatus":{"ErrorCode":"SerializationException","Message":"Unable to bind to request 'ConnectionRequestResend'","Errors":[{"ErrorCode":"SerializationException","FieldName":"contactId","Message":"'abc' is an Invalid value for 'ContactId'"}]}}"#)
            let xml = await gateway.client.send("GET", gateway.base + "/api/connectionrequests/nope/resend.xml?ContactId=abc")
            #expect(xml.status == 400)
            #expect(xml.header("Content-Type") == "application/xml")
            #expect(xml.body.hasPrefix(#"<?xml version="1.0" encoding="utf-8"?><ErrorResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.servicestack.net/types">"#))
            #expect(xml.body.contains("<FieldName>ConnectionRequestId</FieldName><Message>'nope' is an Invalid value for 'ConnectionRequestId'</Message>"))
            #expect(xml.body.contains("<FieldName>ContactId</FieldName><Message>'abc' is an Invalid value for 'ContactId'</Message>"))
            let report = try await gateway.sent()
            #expect(report.requests == 1)
            #expect(gateway.records.last?.record.decision == .invalid)
        }
    }

    @Test func echoedValuesAreCutTo64Characters() async throws {
        try await withGateway { gateway in
            let long = String(repeating: "z", count: 100)
            let response = await gateway.client.send("GET", gateway.base + "/api/connectionrequests/\(Self.id)/resend?ContactId=\(long)")
            #expect(response.body.contains("'\(String(repeating: "z", count: 64))' is an Invalid value"))
            #expect(!response.body.contains(String(repeating: "z", count: 65)))
        }
    }

    @Test func missingOrEmptyGUIDsAreTheTypedNotEmptyError() async throws {
        try await withGateway { gateway in
            let missing = await gateway.client.send("GET", gateway.base + "/api/connectionrequests/\(Self.id)/resend")
            #expect(missing.status == 400)
            #expect(missing.body == #"{"ResponseStatus":{"ErrorCode":"NotEmpty","Message":"'Contact Id' must not be empty.","Errors":[{"ErrorCode":"NotEmpty","FieldName":"ContactId","Message":"'Contact Id' must not be empty."}]}}"#)
            let zero = await gateway.client.send(
                "GET", gateway.base + "/api/connectionrequests/00000000-0000-0000-0000-000000000000/resend.xml?ContactId=00000000000000000000000000000000")
            #expect(zero.body.contains("<ConnectionRequestResendResponse "))
            #expect(zero.body.contains("<d2p1:ErrorCode>NotEmpty</d2p1:ErrorCode><d2p1:Message>'Connection Request Id' must not be empty.</d2p1:Message>"))
            #expect(zero.body.contains("<d2p1:FieldName>ContactId</d2p1:FieldName>"))
        }
    }

    @Test(arguments: [
        "/api/connectionrequests/\(id)/resend?ContactId=\(contact)&ContactId=\(contact)",
        "/api/connectionrequests/\(id)/resend?ContactId=\(contact)&ConnectionRequestId=\(Fixtures.contactId)",
    ])
    func conflictingOrRepeatedFieldsAreAmbiguous(_ path: String) async throws {
        try await withGateway { gateway in
            let response = await gateway.client.send("GET", gateway.base + path)
            #expect(response.status == 400)
            #expect(response.body.contains(#""ErrorCode":"AmbiguousRequest""#))
            let report = try await gateway.sent()
            #expect(report.requests == 1)
        }
    }

    @Test func bodyAndQueryDisagreeingIsAmbiguousButAgreeingInAnotherFormIsFine() async throws {
        try await withGateway { gateway in
            let other = Fixtures.guid()
            let conflict = await gateway.client.send(
                "POST", gateway.base + Fixtures.resendPath(), headers: ["Content-Type: application/json"], body: #"{"ContactId":"\#(other)"}"#)
            #expect(conflict.status == 400)
            #expect(conflict.body.contains("AmbiguousRequest"))
            let upper = "{\(Self.contact.uppercased())}"
            let agree = await gateway.client.send(
                "POST", gateway.base + Fixtures.resendPath(), headers: ["Content-Type: application/json"], body: #"{"contactid":"\#(upper)"}"#)
            #expect(agree.status == 200)
        }
    }

    @Test func theUpstreamSeesTheCanonicalRequestBuiltFromTheDTO() async throws {
        try await withGateway { gateway in
            let n = Self.id.replacingOccurrences(of: "-", with: "").uppercased()
            let response = await gateway.client.send(
                "PATCH", gateway.base + "//API/ConnectionRequests/\(n)/Resend/?foo=bar&contactId=(\(Self.contact))",
                headers: ["Accept: application/json", "Content-Type: application/x-www-form-urlencoded"], body: "unrelated=1")
            #expect(response.status == 200)
            let last = try EchoedRequest.decode(await gateway.client.send("GET", gateway.stubBase + "/__stub/last").body)
            #expect(last.method == "PATCH")
            #expect(last.target == "/api/connectionrequests/\(Self.id)/resend?ContactId=\(Self.contact)")
            #expect(last.value("Content-Type") == "application/json")
            #expect(last.body == #"{"ConnectionRequestId":"\#(Self.id.replacingOccurrences(of: "-", with: ""))","ContactId":"\#(Self.contact.replacingOccurrences(of: "-", with: ""))"}"#)
        }
    }

    @Test func predefinedRoutesAreRewrittenAndBodiesInEveryFormatBind() async throws {
        try await withGateway { gateway in
            let json = await gateway.client.send(
                "POST", gateway.base + "/json/reply/ConnectionRequestResend", headers: ["Content-Type: application/json"],
                body: #"{"ConnectionRequestId":"\#(Self.id)","ContactId":"\#(Self.contact)"}"#)
            #expect(json.status == 200)
            #expect(try EchoedRequest.decode(await gateway.client.send("GET", gateway.stubBase + "/__stub/last").body).target.hasPrefix("/api/connectionrequests/\(Self.id)/resend"))
            let xml = await gateway.client.send(
                "PUT", gateway.base + "/api/connectionrequests/\(Self.id)/resend", headers: ["Content-Type: text/xml; charset=utf-8", "Accept: application/xml"],
                body: #"<ConnectionRequestResend xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="\#(WireStyle.defaultNamespace)"><ConnectionRequestId>\#(Self.id)</ConnectionRequestId><ContactId>\#(Self.contact)</ContactId></ConnectionRequestResend>"#)
            #expect(xml.status == 200)
            #expect(xml.header("Content-Type") == "application/xml")
            let form = await gateway.client.send(
                "POST", gateway.base + "/api/connectionrequests/\(Self.id)/resend", headers: ["Content-Type: application/x-www-form-urlencoded"], body: "ContactId=\(Self.contact)")
            #expect(form.status == 200)
            let mismatched = await gateway.client.send("POST", gateway.base + "/json/reply/ConnectionRequestResend", headers: ["Content-Type: application/xml"], body: "<x/>")
            #expect(mismatched.status == 415)
            #expect(xml.header("Idempotent-Replayed") == "true" && form.header("Idempotent-Replayed") == "true")
            let report = try await gateway.sent()
            #expect(report.total == 1, "three spellings of one resend are one identity")
        }
    }

    @Test(arguments: [
        (nil as String?, "x"), ("text/plain", "x"), ("multipart/form-data; boundary=b", "--b--"), ("application/json; charset=iso-8859-1", "{}"),
    ])
    func bodiesWithoutAUsableContentTypeAre415(_ contentType: String?, _ body: String) async throws {
        try await withGateway { gateway in
            // "Content-Type:" makes libcurl send none at all.
            let headers = ["Content-Type: \(contentType ?? "")"]
            let response = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: headers, body: body)
            #expect(response.status == 415)
            #expect(response.body.contains("UnsupportedMediaType"))
        }
    }

    @Test(arguments: [
        ("application/json", #"{"ContactId":"#),
        ("application/json", #"{"ContactId":"\#(contact)","ContactId":"\#(contact)"}"#),
        ("application/json", #"{"ContactId":"\#(contact)","contactId":"\#(contact)"}"#),
        ("application/xml", "<ConnectionRequestResend><ContactId>x</ContactId>"),
        ("application/xml", #"<Other xmlns="\#(WireStyle.defaultNamespace)"/>"#),
        ("application/xml", #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><ConnectionRequestResend xmlns="\#(WireStyle.defaultNamespace)"><ContactId>&e;</ContactId></ConnectionRequestResend>"#),
        ("application/xml", #"<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><ConnectionRequestResend xmlns="\#(WireStyle.defaultNamespace)"><ContactId>&c;</ContactId></ConnectionRequestResend>"#),
    ])
    func malformedBodiesAreSerializationExceptions(_ contentType: String, _ body: String) async throws {
        try await withGateway { gateway in
            let response = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: ["Content-Type: \(contentType)"], body: body)
            #expect(response.status == 400)
            #expect(response.body.contains("SerializationException"))
            let report = try await gateway.sent()
            #expect(report.requests == 1)
        }
    }

    @Test func jsonpAndMethodOverridesAreRefused() async throws {
        try await withGateway { gateway in
            #expect(await gateway.client.send("GET", gateway.base + Fixtures.resendPath() + "&callback=cb").status == 400)
            #expect(await gateway.client.send("GET", gateway.base + Fixtures.resendPath(), headers: ["X-Http-Method-Override: DELETE"]).status == 400)
            #expect(await gateway.client.send("GET", gateway.base + Fixtures.resendPath() + "&x-http-method-override=PUT").status == 400)
            let form = await gateway.client.send(
                "POST", gateway.base + Fixtures.resendPath(), headers: ["Content-Type: application/x-www-form-urlencoded"], body: "X-Http-Method-Override=GET")
            #expect(form.status == 400)
            let report = try await gateway.sent()
            #expect(report.requests == 1)
        }
    }
}
