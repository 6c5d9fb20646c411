import Foundation
import Gateway
import Testing

@Suite("Slow clients")
struct SlowClientTests {
    /// A client trickling header bytes never completes a request head, so the connection counts as idle
    /// and `server.idle_timeout` closes it — however slowly the bytes come.
    @Test func headersTrickledForeverAreCutOffByTheIdleTimeout() async throws {
        try await withGateway(sections: ["server": ["idle_timeout = \"1s\""]]) { gateway in
            let port = gateway.ports.gateway
            let (seconds, open) = await inThread { () -> (Double, Bool) in
                guard let connection = try? RawConnection(port: port) else { return (0, true) }
                defer { connection.close() }
                let started = Date()
                _ = connection.send("GET /api/contacts HTTP/1.1\r\nHost: x\r\n")
                for _ in 0..<120 {
                    Thread.sleep(forTimeInterval: 0.1)
                    if !connection.send("X") { return (Date().timeIntervalSince(started), false) }
                }
                return (Date().timeIntervalSince(started), true)
            }
            #expect(!open, "the gateway kept a trickling connection open for 12 s")
            #expect(seconds < 8, "closed after \(seconds) s; idle_timeout is 1 s")
        }
    }

    /// A body trickled after the headers is bounded by `server.request_timeout`, and nothing is forwarded.
    @Test func aBodyTrickledTooSlowlyGets504AndIsNotForwarded() async throws {
        try await withGateway(sections: ["server": ["request_timeout = \"1s\""]]) { gateway in
            let port = gateway.ports.gateway
            let path = Fixtures.resendPath()
            let answer = await inThread { () -> String in
                guard let connection = try? RawConnection(port: port) else { return "" }
                defer { connection.close() }
                _ = connection.send("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                Thread.sleep(forTimeInterval: 0.3)
                _ = connection.send(" ")
                return connection.readAll(timeout: .seconds(5))
            }
            #expect(answer.hasPrefix("HTTP/1.1 504"))
            #expect(answer.contains("RequestTimeout"))
            let report = try await gateway.sent()
            #expect(report.requests == 1)
        }
    }

    /// The request timeout runs from the request's head, not from when the connection opened: a
    /// connection idle for most of a timeout still gives its request the whole timeout.
    @Test func theRequestTimeoutRunsFromTheRequestNotFromTheConnection() async throws {
        try await withGateway(sections: ["server": ["request_timeout = \"1s\"", "idle_timeout = \"10s\""]]) { gateway in
            let port = gateway.ports.gateway
            let path = Fixtures.resendPath()
            let (answer, seconds) = await inThread { () -> (String, Double) in
                guard let connection = try? RawConnection(port: port) else { return ("", 0) }
                defer { connection.close() }
                Thread.sleep(forTimeInterval: 0.8)
                let sent = Date()
                _ = connection.send("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                let answer = connection.readAll(timeout: .seconds(5))
                return (answer, Date().timeIntervalSince(sent))
            }
            #expect(answer.hasPrefix("HTTP/1.1 504"), "\(answer)")
            // The lower bound is the point; the upper one is below idle_timeout, with room for a busy machine.
            #expect(seconds > 0.9 && seconds < 5, "answered \(seconds) s after the request began; request_timeout is 1 s")
        }
    }
}
