import Foundation
import Gateway
import Testing

@Suite("The access log of a live gateway")
struct AccessLogTests {
    static let key = "crm-log-test-key-0123456789"

    func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func everyRequestIsOneLineWithItsDecisionAndNoCredential() async throws {
        let tables = """
            [[auth.api_keys]]
            name = "crm"
            sha256 = "\(AuthTestSupport.sha256(Self.key).map { String(format: "%02x", $0) }.joined())"
            """
        let sections = ["auth": ["mode = \"api_key\""], "throttle": ["per_contact = \"1/1h\""]]
        let harness = try await GatewayHarness.start(sections: sections, tables: tables)
        let auth = "Authorization: Bearer \(Self.key)"
        let base = harness.base
        let client = harness.client
        var expected: [String] = []
        func send(_ method: String, _ path: String, _ headers: [String], _ decision: String) async {
            _ = await client.send(method, base + path, headers: headers)
            expected.append(decision)
        }
        await send("POST", Fixtures.resendPath(), [auth, "Idempotency-Key: k1"], "forwarded")
        await send("POST", Fixtures.resendPath(), [auth, "Idempotency-Key: k1"], "replayed")
        await send("POST", Fixtures.resendPath(Fixtures.guid()), [auth, "Idempotency-Key: k1"], "mismatch")
        await send("POST", Fixtures.resendPath(Fixtures.guid()), [auth], "throttled")
        await send("POST", Fixtures.resendPath(), [], "unauthorized")
        await send("POST", "/api/connectionrequests/x/resend?ContactId=y", [auth], "invalid")
        await send("GET", "/api/contacts?apikey=\(Self.key)&q=1", [auth], "passthrough")
        await send("GET", "/soap11", [], "not_found")
        await harness.stop()

        let text = try String(contentsOfFile: harness.accessLogPath, encoding: .utf8)
        #expect(!text.contains(Self.key), "a credential reached the access log")
        let entries = try lines(harness.accessLogPath)
        #expect(entries.map { $0["decision"] as? String } == expected)
        let first = entries[0]
        #expect(first["principal"] as? String == "crm")
        #expect(first["status"] as? Int == 200)
        #expect(first["upstream_status"] as? Int == 200)
        #expect(first["outcome"] as? String == "stored")
        #expect((first["idempotency_key"] as? String)?.count == 16)
        #expect(first["connection_request_id"] as? String == Fixtures.requestId)
        #expect(first["contact_id"] as? String == Fixtures.contactId)
        #expect(first["retried"] as? Bool == false)
        #expect(entries[3]["policy"] as? String == "contact")
        #expect(entries[4]["policy"] as? String == "auth")
        #expect(entries[5]["policy"] as? String == "validation")
        #expect((entries[6]["path"] as? String)?.hasPrefix("/api/contacts?apikey=REDACTED&q=1") == true)
    }

    @Test func tenThousandRequestsLoseNoLine() async throws {
        let harness = try await GatewayHarness.start()
        let client = harness.client
        let base = harness.base
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<20 {
                group.addTask {
                    for index in 0..<500 { _ = await client.send("GET", base + "/load/\(worker)/\(index)") }
                }
            }
        }
        await harness.stop()
        let count = try String(contentsOfFile: harness.accessLogPath, encoding: .utf8).split(separator: "\n").count
        #expect(count == 10_000)
    }
}

@Suite("Access-log decisions for waits and failures")
struct AccessLogDecisionTests {
    func decisions(_ harness: GatewayHarness) throws -> [String] {
        try String(contentsOfFile: harness.accessLogPath, encoding: .utf8).split(separator: "\n").compactMap {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["decision"] as? String
        }
    }

    /// The logged decisions when a copy is sent once the first is in flight: the first held `upstream`
    /// milliseconds, the copy allowed to wait `coalesceWait`. One outcome per gateway, with seconds of
    /// room, so neither depends on how fast a busy machine delivers the copy (a single test that needed
    /// one copy to give up and the next to wait it out, 1 s apart, once missed).
    func decisionsOfACopy(upstream milliseconds: Int, coalesceWait: String) async throws -> [String] {
        var stub = StubOptions()
        stub.latencyMilliseconds = milliseconds
        let harness = try await GatewayHarness.start(stub: stub, sections: ["idempotency": ["coalesce_wait = \"\(coalesceWait)\""]])
        let (client, base) = (harness.client, harness.base)
        async let first = client.send("POST", base + Fixtures.resendPath())
        try await harness.waitUntilForwarding()
        _ = await client.send("POST", base + Fixtures.resendPath())
        _ = await first
        await harness.stop()
        return try decisions(harness).sorted()
    }

    @Test func aCopyThatGivesUpWaitingIsLoggedAsConflict() async throws {
        #expect(try await decisionsOfACopy(upstream: 8000, coalesceWait: "1s") == ["conflict", "forwarded"])
    }

    @Test func aCopyAnsweredWhileWaitingIsLoggedAsCoalesced() async throws {
        #expect(try await decisionsOfACopy(upstream: 4000, coalesceWait: "15s") == ["coalesced", "forwarded"])
    }

    @Test func upstreamErrorTimeoutAndShed() async throws {
        var stub = StubOptions()
        stub.hangEvery = 2
        let harness = try await GatewayHarness.start(stub: stub, sections: ["upstream": ["timeout = \"6s\"", "max_inflight = 1"]])
        let (client, base) = (harness.client, harness.base)
        _ = await client.send("POST", base + Fixtures.resendPath(Fixtures.guid()))
        async let hanging = client.send("POST", base + Fixtures.resendPath(Fixtures.guid()))
        // The hanging forward holds the only slot (max_inflight = 1) for the 6 s timeout, so the next
        // one is shed.
        try await harness.waitUntilForwarding()
        _ = await client.send("POST", base + Fixtures.resendPath(Fixtures.guid()))
        _ = await hanging
        _ = await client.send("POST", harness.stubBase + "/__stub/faults?close_next=1")
        _ = await client.send("GET", base + "/broken")
        await harness.stop()
        #expect(try decisions(harness) == ["forwarded", "shed", "upstream_timeout", "upstream_error"])
    }
}
