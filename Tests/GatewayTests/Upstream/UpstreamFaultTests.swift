import Foundation
import Testing

/// An upstream that breaks HTTP itself — truncating, resetting, lying about lengths, trickling, failing
/// TLS, answering 503 to everything: each gets the right status, nothing is re-sent after sending, and
/// no claim or connection is left behind.
@Suite("Upstream faults below HTTP")
struct UpstreamFaultTests {
    static let ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"

    func withScripted(_ script: [ScriptedUpstream.Step], timeout: String = "10s", scheme: String = "http", _ body: (GatewayHarness, ScriptedUpstream) async throws -> Void) async throws {
        let upstream = try ScriptedUpstream(script: script)
        defer { upstream.stop() }
        try await withGateway(
            sections: ["upstream": ["timeout = \"\(timeout)\"", "connect_timeout = \"1s\""]], upstreamURL: "\(scheme)://127.0.0.1:\(upstream.port)"
        ) { gateway in
            try await body(gateway, upstream)
        }
    }

    @Test func aTruncatedBodyIsOutcomeUnknownAndNeverResent() async throws {
        try await withScripted([.send(Self.ok + "Content-Length: 100\r\n\r\n{\"Resp")]) { gateway, upstream in
            let first = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            #expect(first.status == 502 && first.body.contains("UpstreamOutcomeUnknown"))
            let retry = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            #expect(retry.status == 502 && retry.header("Idempotent-Replayed") == "true")
            #expect(upstream.requests == 1, "read once, never re-sent")
        }
    }

    @Test func aResetMidResponseIsOutcomeUnknownAndNeverResent() async throws {
        try await withScripted([.send(Self.ok + "Content-Length: 40\r\n\r\n{\"a\":"), .pause(.milliseconds(50)), .reset]) { gateway, upstream in
            let first = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            #expect(first.status == 502 && first.body.contains("UpstreamOutcomeUnknown"))
            #expect(gateway.records.last?.record.outcome == .unknown)
            #expect(upstream.requests == 1)
        }
    }

    @Test func bytesBeyondContentLengthAreNotRelayedAndTheConnectionIsNotReused() async throws {
        let smuggled = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
        try await withScripted([.send(Self.ok + "Content-Length: 2\r\n\r\n{}" + smuggled)]) { gateway, upstream in
            let first = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid()))
            #expect(first.status == 200 && first.body == "{}")
            let second = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid()))
            #expect(second.status == 200)
            #expect(upstream.requests == 2, "the second resend was really sent, not answered by the stray bytes")
            #expect(upstream.connections == 2)
        }
    }

    @Test func aResponseTrickledPastTheTimeoutIs504AndNeverResent() async throws {
        var script: [ScriptedUpstream.Step] = [.send(Self.ok + "Content-Length: 40\r\n\r\n")]
        for _ in 0..<40 { script += [.send(" "), .pause(.milliseconds(200))] }
        try await withScripted(script, timeout: "1s") { gateway, upstream in
            let first = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            #expect(first.status == 504 && first.body.contains("UpstreamTimeout"))
            #expect(first.milliseconds < 5000, "cut at the 1 s timeout, not after the 8 s trickle")
            let retry = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            #expect(retry.status == 504 && retry.header("Idempotent-Replayed") == "true")
            #expect(upstream.requests == 1)
        }
    }

    @Test func a503StormReleasesEveryClaimAndLeavesNothingInFlight() async throws {
        let unavailable = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        try await withScripted([.send(unavailable)]) { gateway, upstream in
            let statuses = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<40 { group.addTask { await gateway.client.send("POST", gateway.base + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid())).status } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 503 })
            // The same resend, retried in sequence: each retry reaches the upstream (released, not
            // stored) until the contact's quota (3/1h by default) is spent — a 503 is not refunded.
            var retries: [Int] = []
            for _ in 0..<5 { retries.append(await gateway.client.send("POST", gateway.base + Fixtures.resendPath()).status) }
            #expect(retries == [503, 503, 503, 429, 429])
            #expect(upstream.requests == 43)
            #expect(gateway.records.all.filter { $0.record.outcome == .released }.count == 43)
            let metrics = await gateway.client.send("GET", "http://127.0.0.1:\(gateway.ports.admin)/metrics")
            #expect(metrics.body.contains("gateway_inflight_forwards 0"))
        }
    }

    @Test func aTLSFailureIsNothingSentRetriedOnceThen502() async throws {
        // https:// to a listener that answers a ClientHello with plain HTTP: the handshake fails before
        // any request is written.
        try await withScripted([.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")], scheme: "https") { gateway, upstream in
            let response = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            #expect(response.status == 502 && response.body.contains("UpstreamUnavailable"))
            #expect(gateway.records.last?.record.retried == true)
            #expect(gateway.records.last?.record.outcome == .released)
            #expect(upstream.requests == 0, "no HTTP request was ever read")
            let again = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            #expect(again.status == 502 && again.header("Idempotent-Replayed") == nil, "released: a retry tries again")
        }
    }
}
