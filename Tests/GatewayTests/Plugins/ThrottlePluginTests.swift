import Gateway
import Testing

@Suite("Throttling through a live gateway")
struct ThrottlePluginTests {
    @Test func thePerContactLimitIsExactUnderConcurrency() async throws {
        let sections = ["throttle": ["per_contact = \"5/1h\"", "per_principal = \"\""]]
        try await withGateway(sections: sections) { gateway in
            let responses = await withTaskGroup(of: TestHTTPClient.Response.self) { group in
                for _ in 0..<20 {
                    group.addTask { await gateway.client.send("POST", gateway.base + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.contactId)) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.filter { $0.status == 200 }.count == 5)
            let refused = responses.filter { $0.status == 429 }
            #expect(refused.count == 15)
            for response in refused {
                #expect(response.body.contains("TooManyRequests"))
                #expect(Int(response.header("Retry-After") ?? "") ?? 0 > 3590)
                #expect(response.header("RateLimit-Policy") == "\"contact\";q=5;w=3600")
                #expect(response.header("RateLimit")?.hasPrefix("\"contact\";r=0;t=") == true)
            }
            let report = try await gateway.sent()
            #expect(report.total == 5)
        }
    }

    @Test func replaysAndRefusalsTakeNoQuotaAndHeadersShowThePrincipal() async throws {
        let sections = ["throttle": ["per_contact = \"2/1h\"", "per_principal = \"10/1m\""]]
        try await withGateway(sections: sections) { gateway in
            let first = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            #expect(first.header("RateLimit-Policy") == "\"principal\";q=10;w=60, \"contact\";q=2;w=3600")
            #expect(first.header("RateLimit") == "\"principal\";r=9;t=6")
            for _ in 0..<3 {
                let replay = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
                #expect(replay.header("Idempotent-Replayed") == "true")
                #expect(replay.header("RateLimit")?.hasPrefix("\"principal\";r=9") == true)
            }
            // Replays took nothing: one more distinct resend to the same contact still fits.
            #expect(await gateway.client.send("POST", gateway.base + Fixtures.resendPath(Fixtures.guid())).status == 200)
            #expect(await gateway.client.send("POST", gateway.base + Fixtures.resendPath(Fixtures.guid())).status == 429)
        }
    }

    @Test func aFailureBeforeSendingRefundsTheContactsSlot() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let sections = ["throttle": ["per_contact = \"1/1h\""], "upstream": ["connect_timeout = \"1s\""]]
        try await withGateway(sections: sections, upstreamURL: "http://127.0.0.1:\(refusing.port)") { gateway in
            #expect(await gateway.client.send("POST", gateway.base + Fixtures.resendPath()).status == 502)
            #expect(await gateway.client.send("POST", gateway.base + Fixtures.resendPath(Fixtures.guid())).status == 502)
            #expect(gateway.records.all.map(\.record.outcome) == [.released, .released])
        }
    }
}
