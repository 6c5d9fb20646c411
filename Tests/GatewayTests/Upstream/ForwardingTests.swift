import Gateway
import Testing

@Suite("Forwarding through a live gateway")
struct ForwardingTests {
    @Test func resendReachesTheUpstreamOnceAndItsAnswerComesBack() async throws {
        try await withGateway { gateway in
            let response = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: ["Accept: application/json", "X-Request-Id: abc-123"])
            #expect(response.status == 200)
            #expect(response.body == "{}")
            #expect(response.header("Content-Type") == "application/json; charset=utf-8")
            #expect(response.header("X-Request-Id") == "abc-123")
            let sent = try await gateway.sent()
            #expect(sent.total == 1)
            #expect(sent.invitations.first?.connectionRequestId == Fixtures.requestId)
            #expect(sent.invitations.first?.contactId == Fixtures.contactId)
            #expect(gateway.records.last?.record.decision == .forwarded)
            #expect(gateway.records.last?.record.upstreamStatus == 200)
        }
    }

    @Test func xmlClientGetsTheUpstreamsXML() async throws {
        try await withGateway { gateway in
            let response = await gateway.client.send("GET", gateway.base + Fixtures.resendPath().replacingOccurrences(of: "/resend?", with: "/resend.xml?"))
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/xml")
            #expect(response.body.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?><ConnectionRequestResendResponse"))
        }
    }

    @Test func resendCarriesOnlyAllowListedHeaders() async throws {
        try await withGateway { gateway in
            let response = await gateway.client.send(
                "PUT", gateway.base + Fixtures.resendPath(),
                headers: [
                    "Accept: application/json", "Content-Type: application/json", "User-Agent: crm/1.0", "Accept-Language: en-AU",
                    "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "X-Custom: nope", "X-Api-Key: secret-key",
                    "X-Forwarded-For: 6.6.6.6", "Cookie: ss-id=abc",
                ],
                body: "{}")
            #expect(response.status == 200)
            let last = try EchoedRequest.decode(await gateway.client.send("GET", gateway.stubBase + "/__stub/last").body)
            #expect(last.method == "PUT")
            #expect(last.value("User-Agent") == "crm/1.0")
            #expect(last.value("Accept-Language") == "en-AU")
            #expect(last.value("traceparent") != nil)
            #expect(last.value("Accept") == "application/json")
            #expect(last.value("X-Custom") == nil)
            #expect(last.value("X-Api-Key") == nil)
            #expect(last.value("X-Forwarded-For") == "127.0.0.1")
            #expect(last.value("Via") == "1.1 resend-gateway")
            #expect(last.value("X-Request-Id") == response.header("X-Request-Id"))
            // auth.mode "none" with upstream_credentials "auto" forwards the caller's credentials.
            #expect(last.value("Cookie") == "ss-id=abc")
        }
    }

    @Test func passthroughKeepsMethodPathHeadersBodyAndCookies() async throws {
        try await withGateway { gateway in
            let response = await gateway.client.send(
                "POST", gateway.base + "/api/contacts/search?q=a%20b&x=1",
                headers: ["Content-Type: text/plain", "X-Custom: kept", "Connection: keep-alive, X-Hop", "X-Hop: dropped", "X-Api-Key: secret-key", "Cookie: a=1"],
                body: "hello body")
            #expect(response.status == 200)
            #expect(response.headers("Set-Cookie") == ["stub-a=1; Path=/", "stub-b=2; Path=/; HttpOnly"])
            #expect(response.header("X-Stub-Echo") == "1")
            let echoed = try EchoedRequest.decode(response.body)
            #expect(echoed.method == "POST")
            #expect(echoed.target == "/api/contacts/search?q=a%20b&x=1")
            #expect(echoed.body == "hello body")
            #expect(echoed.value("X-Custom") == "kept")
            #expect(echoed.value("Cookie") == "a=1")
            #expect(echoed.value("Content-Type") == "text/plain")
            #expect(echoed.value("X-Hop") == nil)
            #expect(echoed.value("X-Api-Key") == nil)
            #expect(echoed.value("Connection") == nil || echoed.value("Connection") == "keep-alive")
            #expect(echoed.value("X-Forwarded-For") == "127.0.0.1")
            #expect(echoed.value("X-Forwarded-Proto") == "http")
            #expect(echoed.value("X-Request-Id") == response.header("X-Request-Id"))
            #expect(gateway.records.last?.record.decision == .passthrough)
        }
    }

    @Test func sequentialRequestsReuseUpstreamConnections() async throws {
        try await withGateway { gateway in
            for index in 0..<40 {
                let response = await gateway.client.send("GET", gateway.base + "/ping/\(index)")
                #expect(response.status == 200)
            }
            let opened = gateway.records.all.compactMap(\.record.upstreamConnectionsOpened).reduce(0, +)
            #expect(opened == 1)
            // The stub also counts the connection this report request opens.
            let report = try await gateway.sent()
            #expect(report.connections <= 2)
        }
    }

    @Test func twoHundredConcurrentRequestsAreAllAnswered() async throws {
        try await withGateway { gateway in
            let statuses = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<200 {
                    group.addTask { await gateway.client.send("GET", gateway.base + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid())).status }
                }
                return await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == 200 })
            let report = try await gateway.sent()
            #expect(report.total == 200)
        }
    }

    @Test func oversizedBodyIsRefusedWith413AndNotForwarded() async throws {
        try await withGateway(sections: ["server": ["max_body = \"1KiB\""]]) { gateway in
            let body = String(repeating: "x", count: 2048)
            let response = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: ["Content-Type: application/json"], body: body)
            #expect(response.status == 413)
            #expect(response.body.contains("\"ErrorCode\":\"RequestTooLarge\""))
            let report = try await gateway.sent()
            #expect(report.requests == 1)
        }
    }

    @Test func oversizedHeadersAre431OrARefusalFromTheParser() async throws {
        try await withGateway(sections: ["server": ["max_header_bytes = \"4KiB\""]]) { gateway in
            let big = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: ["X-Big: " + String(repeating: "b", count: 5000)])
            #expect(big.status == 431)
            #expect(big.body.contains("RequestHeaderFieldsTooLarge"))
            let huge = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: ["X-Big: " + String(repeating: "b", count: 9000)])
            #expect(huge.status == 400)
            #expect(await gateway.client.send("POST", gateway.base + Fixtures.resendPath()).status == 200)
            let report = try await gateway.sent()
            #expect(report.total == 1)
        }
    }
}
