import Foundation
import Gateway
import Testing

@Suite("No duplicate invitations through a live gateway")
struct IdempotencyPluginTests {
    let path = Fixtures.resendPath()

    @Test func sequentialDuplicatesReachTheUpstreamOnce() async throws {
        try await withGateway { gateway in
            let first = await gateway.client.send("POST", gateway.base + path, headers: ["Accept: application/json"])
            #expect(first.status == 200 && first.header("Idempotent-Replayed") == nil)
            for _ in 0..<4 {
                let again = await gateway.client.send("GET", gateway.base + path, headers: ["Accept: application/json"])
                #expect(again.status == 200)
                #expect(again.body == "{}")
                #expect(again.header("Idempotent-Replayed") == "true")
            }
            let report = try await gateway.sent()
            #expect(report.total == 1)
            #expect(gateway.records.all.map(\.record.decision) == [.forwarded, .replayed, .replayed, .replayed, .replayed])
            #expect(gateway.records.all.first?.record.outcome == .stored)
        }
    }

    @Test func fiftyConcurrentIdenticalResendsReachTheUpstreamOnce() async throws {
        var stub = StubOptions()
        stub.latencyMilliseconds = 300
        try await withGateway(stub: stub) { gateway in
            let responses = await withTaskGroup(of: TestHTTPClient.Response.self) { group in
                for _ in 0..<50 { group.addTask { await gateway.client.send("POST", gateway.base + path) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.allSatisfy { (200..<300).contains($0.status) })
            let report = try await gateway.sent()
            #expect(report.total == 1)
            let decisions = gateway.records.all.map(\.record.decision)
            #expect(decisions.filter { $0 == .forwarded }.count == 1)
            #expect(decisions.filter { $0 == .coalesced || $0 == .replayed }.count == 49)
        }
    }

    @Test func twoKeysForOneIdentityReachTheUpstreamOnceAndAKeyReplaysInTheOtherFormat() async throws {
        try await withGateway { gateway in
            let json = await gateway.client.send("POST", gateway.base + path, headers: ["Idempotency-Key: \"order-1\"", "Accept: application/json"])
            #expect(json.status == 200)
            let otherKey = await gateway.client.send("POST", gateway.base + path, headers: ["Idempotency-Key: order-2"])
            #expect(otherKey.header("Idempotent-Replayed") == "true")
            let xml = await gateway.client.send("POST", gateway.base + path, headers: ["Idempotency-Key: \"order-1\"", "Accept: application/xml"])
            #expect(xml.status == 200)
            #expect(xml.header("Idempotent-Replayed") == "true")
            #expect(xml.header("Content-Type") == "application/xml")
            #expect(xml.body == TranslatePluginTests.success)
            let report = try await gateway.sent()
            #expect(report.total == 1)
            #expect(gateway.records.all.first?.record.idempotencyKeyHash?.count == 16)
        }
    }

    @Test func aKeyUsedForAnotherResendIs422() async throws {
        try await withGateway { gateway in
            _ = await gateway.client.send("POST", gateway.base + path, headers: ["Idempotency-Key: k-1"])
            let other = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(Fixtures.guid()), headers: ["Idempotency-Key: k-1"])
            #expect(other.status == 422)
            #expect(other.body.contains("IdempotencyKeyReused"))
            let report = try await gateway.sent()
            #expect(report.total == 1)
        }
    }

    @Test func keysAreScopedToTheCallerSoGuessingAnotherCallersKeyRevealsNothing() async throws {
        try await withGateway(sections: AuthPluginTests.apiKeyMode, tables: AuthPluginTests.keyTables) { gateway in
            let crm = "Authorization: Bearer \(AuthPluginTests.key)"
            let billing = "Authorization: Bearer \(AuthPluginTests.otherKey)"
            let first = await gateway.client.send("POST", gateway.base + path, headers: [crm, "Idempotency-Key: shared-key"])
            #expect(first.status == 200)
            // Another caller with the same key and another resend: its own fresh forward — neither a
            // 422 (which would confirm the key exists) nor the first caller's stored answer.
            let other = Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid())
            let guess = await gateway.client.send("POST", gateway.base + other, headers: [billing, "Idempotency-Key: shared-key"])
            #expect(guess.status == 200)
            #expect(guess.header("Idempotent-Replayed") == nil)
            // The first caller's key is still bound to its own resend.
            let reuse = await gateway.client.send("POST", gateway.base + other, headers: [crm, "Idempotency-Key: shared-key"])
            #expect(reuse.status == 422)
            let report = try await gateway.sent()
            #expect(report.total == 2)
        }
    }

    @Test(arguments: ["\"unterminated", "a, b", "\"caf\u{e9}\"", "(parens)", String(repeating: "k", count: 256)])
    func invalidKeysAre400BeforeAnyLookup(_ value: String) async throws {
        try await withGateway { gateway in
            let response = await gateway.client.send("POST", gateway.base + path, headers: ["Idempotency-Key: \(value)"])
            #expect(response.status == 400)
            #expect(response.body.contains("IdempotencyKeyInvalid"))
            let report = try await gateway.sent()
            #expect(report.requests == 1)
        }
    }

    @Test func aRequiredKeyThatIsMissingIs400() async throws {
        try await withGateway(sections: ["idempotency": ["required = true"]]) { gateway in
            let response = await gateway.client.send("POST", gateway.base + path)
            #expect(response.status == 400)
            #expect(response.body.contains("IdempotencyKeyMissing"))
        }
    }

    @Test func aWaitThatOutlastsCoalesceWaitIs409() async throws {
        var stub = StubOptions()
        // Long enough that the second request is admitted while the first is still upstream, even on
        // a machine busy with other builds (at 1.5 s it once arrived after the first had finished).
        stub.latencyMilliseconds = 5000
        try await withGateway(stub: stub, sections: ["idempotency": ["coalesce_wait = \"300ms\""]]) { gateway in
            async let first = gateway.client.send("POST", gateway.base + path)
            try await gateway.waitUntilForwarding()
            let second = await gateway.client.send("POST", gateway.base + path)
            #expect(second.status == 409)
            #expect(second.header("Retry-After") == "1")
            #expect(second.body.contains("Conflict"))
            #expect(await first.status == 200)
            let report = try await gateway.sent()
            #expect(report.total == 1)
        }
    }

    @Test func waitersBeyondMaxWaitersAre409AtOnce() async throws {
        var stub = StubOptions()
        stub.latencyMilliseconds = 4000
        try await withGateway(stub: stub, sections: ["idempotency": ["max_waiters = 1"]]) { gateway in
            async let first = gateway.client.send("POST", gateway.base + path)
            try await gateway.waitUntilForwarding()
            // Two duplicates, one place: whichever reaches the gateway second is refused at once. (Which
            // one that is depends on scheduling when the whole suite runs, so neither is assumed.)
            async let second = gateway.client.send("POST", gateway.base + path)
            try await Task.sleep(for: .milliseconds(300))
            let third = await gateway.client.send("POST", gateway.base + path)
            let duplicates = [await second, third].sorted { $0.status < $1.status }
            #expect(duplicates.map(\.status) == [200, 409])
            // Sent after the first and answered before it: refused without waiting for its outcome.
            let original = await first
            #expect(original.status == 200)
            #expect(duplicates[1].milliseconds < original.milliseconds, "at once, not after waiting")
            #expect(try await gateway.sent().total == 1)
        }
    }

    @Test func upstream503IsReleasedSoTheRetryReachesTheUpstream() async throws {
        var stub = StubOptions()
        stub.failEvery = 1
        try await withGateway(stub: stub) { gateway in
            #expect(await gateway.client.send("POST", gateway.base + path).status == 503)
            #expect(await gateway.client.send("POST", gateway.base + path).status == 503)
            let report = try await gateway.sent()
            #expect(report.requests == 3)
            #expect(gateway.records.all.map(\.record.outcome) == [.released, .released])
        }
    }

    @Test func upstream500IsOutcomeUnknownSoTheRetryIsReplayed() async throws {
        try await withGateway { gateway in
            _ = await gateway.client.send("POST", gateway.stubBase + "/__stub/faults?error_next=1")
            let first = await gateway.client.send("POST", gateway.base + path)
            #expect(first.status == 500)
            #expect(first.header("Retry-After") == "600")
            let retry = await gateway.client.send("POST", gateway.base + path)
            #expect(retry.status == 500)
            #expect(retry.header("Idempotent-Replayed") == "true")
            #expect(Int(retry.header("Retry-After") ?? "") ?? 0 > 590)
            let report = try await gateway.sent()
            #expect(report.requests == 3)
            #expect(gateway.records.all.first?.record.outcome == .unknown)
        }
    }

    @Test func aHangingUpstreamIs504AndNotResentInsideTheWindow() async throws {
        var stub = StubOptions()
        stub.hangEvery = 1
        try await withGateway(stub: stub, sections: ["upstream": ["timeout = \"1s\""]]) { gateway in
            #expect(await gateway.client.send("POST", gateway.base + path).status == 504)
            let retry = await gateway.client.send("POST", gateway.base + path)
            #expect(retry.status == 504)
            #expect(retry.header("Idempotent-Replayed") == "true")
            #expect(retry.body.contains("UpstreamTimeout"))
            let report = try await gateway.sent()
            #expect(report.total == 1)
        }
    }

    @Test(arguments: [true, false])
    func aResetAfterSendingOnAReusedConnectionIsUnknown(_ block: Bool) async throws {
        let sections = ["idempotency": ["unknown_outcome = \"\(block ? "block" : "release")\""]]
        try await withGateway(sections: sections) { gateway in
            for _ in 0..<3 { _ = await gateway.client.send("GET", gateway.base + "/warm") }
            _ = await gateway.client.send("POST", gateway.stubBase + "/__stub/faults?close_next=1")
            let first = await gateway.client.send("POST", gateway.base + path)
            #expect(first.status == 502)
            #expect(first.body.contains("UpstreamOutcomeUnknown"))
            let retry = await gateway.client.send("POST", gateway.base + path)
            if block {
                #expect(retry.status == 502)
                #expect(retry.header("Idempotent-Replayed") == "true")
            } else {
                #expect(retry.status == 200)
            }
            let report = try await gateway.sent()
            // 3 warm-ups + faults + the resend read once (+ the released retry) + this report
            #expect(report.requests == (block ? 6 : 7))
        }
    }

    @Test func aClientThatDisconnectsDoesNotCancelTheForward() async throws {
        var stub = StubOptions()
        stub.latencyMilliseconds = 800
        try await withGateway(stub: stub) { gateway in
            // The client hangs up once the forward is under way, then comes back after it has ended.
            let port = gateway.ports.gateway
            let connection = await inThread { try? RawConnection(port: port) }
            #expect(connection?.send("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n") == true)
            try await gateway.waitUntilForwarding()
            connection?.close()
            try await gateway.waitUntilForwarding(0)
            let retry = await gateway.client.send("POST", gateway.base + path)
            #expect(retry.status == 200)
            #expect(retry.header("Idempotent-Replayed") == "true")
            let report = try await gateway.sent()
            #expect(report.total == 1)
        }
    }
}
