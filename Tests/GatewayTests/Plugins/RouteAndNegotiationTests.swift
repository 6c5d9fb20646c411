import Gateway
import Testing

@Suite("Routes and negotiation through a live gateway")
struct RouteAndNegotiationTests {
    static let id = Fixtures.requestId
    static let query = "ContactId=\(Fixtures.contactId)"

    @Test(arguments: [
        ("/api/connectionrequests/\(id)/resend.jsv?\(query)", 400), ("/jsv/reply/ConnectionRequestResend?\(query)", 400),
        ("/json/oneway/ConnectionRequestResend", 400), ("/json/reply/ConnectionRequestResend[]", 400), ("/api/ConnectionRequestResend", 400),
        ("/api/connectionrequests/\(id)/resend%2Ejson?\(query)", 400), ("/api/connectionrequests%2F\(id)/resend", 400),
        ("/api/connectionrequests/\(id)/resend;a=b?\(query)", 400), ("/api/x/../connectionrequests/\(id)/resend?\(query)", 400),
        ("/api/connectionrequests/\(id)/resend.XML?\(query)", 400), ("/soap11", 404), ("/soap12/ConnectionRequestResend", 400),
        ("/api/contacts%00", 400), ("/api/caf%C3%A9", 400),
    ])
    func hostilePathsNeverReachTheUpstream(_ path: String, _ status: Int) async throws {
        try await withGateway { gateway in
            let response = await gateway.client.send("POST", gateway.base + path)
            #expect(response.status == status, "\(path)")
            let report = try await gateway.sent()
            #expect(report.requests == 1, "\(path) reached the upstream")
        }
    }

    @Test func methodsOutsideResendMethodsAre405AndOptionsPassesThrough() async throws {
        try await withGateway(sections: ["routes": ["resend_methods = [\"POST\"]"]]) { gateway in
            let get = await gateway.client.send("GET", gateway.base + Fixtures.resendPath())
            #expect(get.status == 405)
            #expect(get.header("Allow") == "POST")
            #expect(get.body.contains("MethodNotAllowed"))
            #expect(await gateway.client.send("HEAD", gateway.base + Fixtures.resendPath()).status == 405)
            let options = await gateway.client.send("OPTIONS", gateway.base + Fixtures.resendPath())
            #expect(options.status == 204)
            #expect(options.header("Access-Control-Allow-Origin") == "*")
            let last = try EchoedRequest.decode(await gateway.client.send("GET", gateway.stubBase + "/__stub/last").body)
            #expect(last.method == "OPTIONS")
            #expect(last.target == "/api/connectionrequests/\(Self.id)/resend")
            let overridden = await gateway.client.send("OPTIONS", gateway.base + Fixtures.resendPath(), headers: ["X-Http-Method-Override: POST"])
            #expect(overridden.status == 400)
            let report = try await gateway.sent()
            #expect(report.total == 0)
        }
    }

    @Test func passthroughOffAnswers404InServiceStackShape() async throws {
        try await withGateway(sections: ["routes": ["passthrough = false"]]) { gateway in
            let response = await gateway.client.send("GET", gateway.base + "/api/contacts", headers: ["Accept: application/xml"])
            #expect(response.status == 404)
            #expect(response.body.contains("<ErrorResponse "))
        }
    }

    /// Each rule of SPEC §4.2, observed on a gateway-made error (a missing ContactId).
    @Test(arguments: [
        ("/api/connectionrequests/\(id)/resend.xml?format=json", "Accept: application/json", "application/xml"),
        ("/xml/reply/ConnectionRequestResend?format=json", "Accept: application/json", "application/xml"),
        ("/api/connectionrequests/\(id)/resend?format=XML", "Accept: application/json", "application/xml"),
        ("/api/connectionrequests/\(id)/resend", "Accept: application/xml, application/json", "application/json; charset=utf-8"),
        ("/api/connectionrequests/\(id)/resend", "Accept: text/html, application/xml", "application/xml"),
        ("/api/connectionrequests/\(id)/resend", "Accept: */*", "application/xml"),
    ])
    func negotiationFollowsServiceStacksOrder(_ path: String, _ accept: String, _ contentType: String) async throws {
        try await withGateway(sections: ["server": ["default_format = \"xml\""]]) { gateway in
            let response = await gateway.client.send("GET", gateway.base + path, headers: [accept])
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == contentType)
            #expect(response.header("Vary") == "Accept")
            #expect(response.header("Cache-Control") == "no-store")
        }
    }

    @Test func wildcardAcceptFollowsTheRequestContentType() async throws {
        try await withGateway { gateway in
            let response = await gateway.client.send(
                "POST", gateway.base + "/api/connectionrequests/\(Self.id)/resend", headers: ["Accept: */*", "Content-Type: application/xml"],
                body: #"<ConnectionRequestResend xmlns="\#(WireStyle.defaultNamespace)"><ConnectionRequestId>\#(Self.id)</ConnectionRequestId></ConnectionRequestResend>"#)
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == "application/xml")
        }
    }
}
