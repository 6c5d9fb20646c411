import Foundation
import Gateway
import Testing

@Suite("Upstream failures through a live gateway")
struct UpstreamFailureTests {
    @Test func closedPortAnswers502WithinTheConnectTimeoutAfterOneRetry() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        try await withGateway(sections: ["upstream": ["connect_timeout = \"1s\""]], upstreamURL: "http://127.0.0.1:\(refusing.port)") { gateway in
            let response = await gateway.client.send("GET", gateway.base + Fixtures.resendPath())
            #expect(response.status == 502)
            #expect(response.body.contains("UpstreamUnavailable"))
            // Under the default 10 s transfer timeout, with room for a busy machine.
            #expect(response.milliseconds < 6000)
            #expect(gateway.records.last?.record.retried == true)
            #expect(gateway.records.last?.record.decision == .upstreamError)
        }
    }

    @Test func hangingUpstreamAnswers504WithinTheTotalTimeout() async throws {
        var stub = StubOptions()
        stub.hangEvery = 1
        try await withGateway(stub: stub, sections: ["upstream": ["timeout = \"1s\""]]) { gateway in
            let response = await gateway.client.send("GET", gateway.base + Fixtures.resendPath(), headers: ["Accept: application/xml"])
            #expect(response.status == 504)
            #expect(response.header("Content-Type") == "application/xml")
            #expect(response.body.contains("<d2p1:ErrorCode>UpstreamTimeout</d2p1:ErrorCode>"))
            // From the configured 1 s, not the default 10 s (with room for a busy machine).
            #expect(response.milliseconds >= 900 && response.milliseconds < 6000)
            #expect(gateway.records.last?.record.retried == false)
            let report = try await gateway.sent()
            #expect(report.total == 1)
        }
    }

    /// libcurl 7.88 silently re-sends a request on a reused connection that closed without answering.
    /// The pool is warmed first, so the resend goes out on a reused connection.
    @Test func upstreamClosingAfterReadingIsNeverResent() async throws {
        try await withGateway { gateway in
            for _ in 0..<5 { _ = await gateway.client.send("GET", gateway.base + "/warm") }
            let before = try await gateway.sent().requests
            _ = await gateway.client.send("POST", gateway.stubBase + "/__stub/faults?close_next=1")
            let response = await gateway.client.send("POST", gateway.base + Fixtures.resendPath())
            #expect(response.status == 502)
            #expect(response.body.contains("UpstreamOutcomeUnknown"))
            let after = try await gateway.sent().requests
            // faults call + exactly one copy of the resend + this report
            #expect(after - before == 3)
            #expect(gateway.records.last?.record.retried == false)
        }
    }

    @Test func responseLargerThanMaxResponseIsAFailureAfterSending() async throws {
        try await withGateway(sections: ["upstream": ["max_response = \"1KiB\""]]) { gateway in
            let response = await gateway.client.send("POST", gateway.base + "/echo", body: String(repeating: "y", count: 4096))
            #expect(response.status == 502)
            #expect(response.body.contains("UpstreamOutcomeUnknown"))
        }
    }

    @Test func forwardsBeyondMaxInflightAreShedWith503() async throws {
        var stub = StubOptions()
        stub.latencyMilliseconds = 3000
        try await withGateway(stub: stub, sections: ["upstream": ["max_inflight = 2"]]) { gateway in
            func resend() async -> TestHTTPClient.Response {
                await gateway.client.send("GET", gateway.base + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid()))
            }
            async let first = resend()
            async let second = resend()
            try await gateway.waitUntilForwarding(2)
            let shed = await resend()
            #expect(shed.status == 503)
            #expect(shed.header("Retry-After") == "1" && shed.body.contains("Overloaded"))
            #expect(await [first.status, second.status] == [200, 200])
            #expect(try await gateway.sent().total == 2, "the shed resend was not forwarded")
        }
    }

    @Test func requestTimeoutAnswersButTheForwardStillCompletes() async throws {
        var stub = StubOptions()
        stub.latencyMilliseconds = 1500
        try await withGateway(stub: stub, sections: ["server": ["request_timeout = \"1s\""]]) { gateway in
            let response = await gateway.client.send("GET", gateway.base + Fixtures.resendPath())
            #expect(response.status == 504)
            #expect(response.body.contains("RequestTimeout"))
            var report = try await gateway.sent()
            for _ in 0..<100 where report.total == 0 {
                try await Task.sleep(for: .milliseconds(100))
                report = try await gateway.sent()
            }
            #expect(report.total == 1)
        }
    }
}

/// A loopback port bound but never listened on: connections to it are refused, and no other test can
/// take it meanwhile (a port that is merely free may be handed to another test's listener).
final class RefusingPort: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}

/// A free loopback port for a server a test is about to start in another process. Taken below the
/// kernel's ephemeral range, so that listeners other tests bind to port 0 can never be handed it.
func closedPort() throws -> Int {
    for _ in 0..<200 {
        let candidate = Int.random(in: 20_000..<32_000)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(candidate).bigEndian
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        _ = Glibc.close(fd)
        if bound == 0 { return candidate }
    }
    throw PortError.noneFree
}

enum PortError: Error {
    case noneFree
}
