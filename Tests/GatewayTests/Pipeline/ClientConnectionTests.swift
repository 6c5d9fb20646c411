import Foundation
import Gateway
import Testing

/// The client listener's HTTP/1.1 connection handling, seen from a raw socket: keep-alive and the idle
/// timeout, pipelining, `Connection: close`, HEAD, and the connection limit.
@Suite("Client connections")
struct ClientConnectionTests {
    /// Opens a connection, sends `text`, and reads until the gateway closes it or `timeout` passes:
    /// what came back, and how long that took.
    static func converse(_ port: Int, _ text: String, timeout: Duration = .seconds(10)) async -> (answer: String, seconds: Double) {
        await inThread { () -> (String, Double) in
            guard let connection = try? RawConnection(port: port) else { return ("", 0) }
            defer { connection.close() }
            let started = Date()
            connection.send(text)
            return (connection.readAll(timeout: timeout), Date().timeIntervalSince(started))
        }
    }

    /// Answers in a stream of them (a body is not followed by a line end).
    static func answerCount(_ stream: String) -> Int {
        stream.components(separatedBy: "HTTP/1.1 ").count - 1
    }

    @Test func aKeepAliveConnectionServesSeveralRequestsAndClosesOnlyAfterTheIdleTimeout() async throws {
        // Gaps of 1 s against an idle timeout of 2 s: 1 s of room for a busy machine either way.
        try await withGateway(sections: ["server": ["idle_timeout = \"2s\""]]) { gateway in
            let port = gateway.ports.gateway
            let (answer, idleSeconds) = await inThread { () -> (String, Double) in
                guard let connection = try? RawConnection(port: port) else { return ("", 0) }
                defer { connection.close() }
                connection.send("GET /api/contacts HTTP/1.1\r\nHost: x\r\n\r\n")
                Thread.sleep(forTimeInterval: 1)
                connection.send("GET /api/contacts HTTP/1.1\r\nHost: x\r\n\r\n")
                Thread.sleep(forTimeInterval: 1)
                connection.send("GET /api/contacts HTTP/1.1\r\nHost: x\r\n\r\n")
                Thread.sleep(forTimeInterval: 1)
                // 3 s after the first request, but only 1 s after the last answer: still open.
                connection.send("GET /api/contacts HTTP/1.1\r\nHost: x\r\n\r\n")
                let lastSent = Date()
                let answer = connection.readAll(timeout: .seconds(10))
                return (answer, Date().timeIntervalSince(lastSent))
            }
            #expect(Self.answerCount(answer) == 4, "four answers on one connection: \(answer)")
            #expect(idleSeconds > 1.8 && idleSeconds < 7, "closed \(idleSeconds) s after the last request, idle_timeout is 2 s")
        }
    }

    /// The idle timeout runs from the answer even when the connection's timer went off while the
    /// request was still upstream.
    @Test func theIdleTimeoutRunsFromAnAnswerThatOutlastedIt() async throws {
        var stub = StubOptions()
        stub.latencyMilliseconds = 1500
        try await withGateway(stub: stub, sections: ["server": ["idle_timeout = \"1s\""]]) { gateway in
            let port = gateway.ports.gateway
            let (answer, idleSeconds) = await inThread { () -> (String, Double) in
                guard let connection = try? RawConnection(port: port) else { return ("", 0) }
                defer { connection.close() }
                connection.send("POST \(Fixtures.resendPath()) HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n")
                let sent = Date()
                let answer = connection.readAll(timeout: .seconds(10))
                return (answer, Date().timeIntervalSince(sent) - 1.5)
            }
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            #expect(idleSeconds > 0.8 && idleSeconds < 4, "closed \(idleSeconds) s after the answer, idle_timeout is 1 s")
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrderAndConnectionCloseIsHonoured() async throws {
        try await withGateway { gateway in
            let port = gateway.ports.gateway
            let (answer, seconds) = await Self.converse(
                port,
                "GET /api/contacts HTTP/1.1\r\nHost: x\r\nX-Request-Id: first\r\n\r\n"
                    + "GET /api/other HTTP/1.1\r\nHost: x\r\nX-Request-Id: second\r\n\r\n"
                    + "GET /api/contacts HTTP/1.1\r\nHost: x\r\nX-Request-Id: third\r\nConnection: close\r\n\r\n")
            let lower = answer.lowercased()
            #expect(Self.answerCount(answer) == 3, "\(answer)")
            let first = try #require(lower.range(of: "x-request-id: first"))
            let second = try #require(lower.range(of: "x-request-id: second"))
            let third = try #require(lower.range(of: "x-request-id: third"))
            #expect(first.lowerBound < second.lowerBound && second.lowerBound < third.lowerBound)
            #expect(lower.contains("connection: close"))
            #expect(lower.contains("date: "))
            #expect(seconds < 5, "the gateway closed the connection after the answer to Connection: close")
        }
    }

    @Test func aHeadAnswerCarriesNoBody() async throws {
        try await withGateway { gateway in
            let port = gateway.ports.gateway
            let (answer, _) = await Self.converse(
                port, "HEAD \(Fixtures.resendPath()) HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 405"))
            let parts = answer.components(separatedBy: "\r\n\r\n")
            #expect(parts.count == 2 && parts[1].isEmpty, "no body after the head: \(answer)")
        }
    }

    @Test func clientsBeyondMaxConnectionsWaitForAFreeSlot() async throws {
        try await withGateway(sections: ["server": ["max_connections = 1"]]) { gateway in
            let port = gateway.ports.gateway
            let (waiting, served) = await inThread { () -> (String, String) in
                // The holder is accepted and answered first, so it holds the only slot when the waiter
                // connects (the kernel completes the waiter's handshake; the gateway does not accept it).
                guard let holder = try? RawConnection(port: port) else { return ("x", "") }
                holder.send("GET /api/contacts HTTP/1.1\r\nHost: x\r\n\r\n")
                guard holder.readSome(timeout: .seconds(10)).hasPrefix("HTTP/1.1 200") else { return ("holder not served", "") }
                guard let waiter = try? RawConnection(port: port) else { return ("x", "") }
                defer { waiter.close() }
                waiter.send("GET /api/contacts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let waiting = waiter.readAll(timeout: .seconds(1))
                holder.close()
                return (waiting, waiter.readAll(timeout: .seconds(10)))
            }
            #expect(waiting.isEmpty, "a second connection was served while the only slot was taken")
            #expect(served.hasPrefix("HTTP/1.1 "), "the waiting client is served once the slot frees")
        }
    }

    @Test func requestsPipelinedBehindAClosingAnswerAreNeitherRunNorForwarded() async throws {
        try await withGateway { gateway in
            let port = gateway.ports.gateway
            // The first request gets a closing answer from the gateway (431: over 100 header fields);
            // the resend pipelined behind it must never run.
            let fields = (0..<101).map { "X-F\($0): 1\r\n" }.joined()
            let (answer, _) = await Self.converse(
                port,
                "GET /api/contacts HTTP/1.1\r\nHost: x\r\n\(fields)\r\n"
                    + "POST \(Fixtures.resendPath()) HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 431"))
            #expect(Self.answerCount(answer) == 1, "only the request before the closing answer is answered: \(answer)")
            try await Task.sleep(for: .milliseconds(300))
            let invitations = try await gateway.sent().total
            #expect(invitations == 0, "the resend queued behind Connection: close reached the upstream")
            #expect(gateway.records.all.count == 1)
        }
    }

    /// Thousands of requests pipelined behind one that goes upstream, each answered by the gateway
    /// itself: all answered. Each answer hands NIO the next request from inside its write; starting that one's chain
    /// in place there too would nest one answer per request on the loop's stack.
    @Test func thousandsOfPipelinedRequestsAreAllAnswered() async throws {
        try await withGateway { gateway in
            let port = gateway.ports.gateway
            let count = 3000
            let answer = await inThread { () -> String in
                guard let connection = try? RawConnection(port: port) else { return "" }
                defer { connection.close() }
                // The first goes upstream, so NIO holds the rest back until its answer is written.
                let requests = "GET /api/contacts HTTP/1.1\r\nHost: x\r\n\r\n"
                    + (0..<count).map { "GET /soap11/\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined()
                    + "GET /soap11/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                // Written from another thread while this one reads, so that neither side's buffers fill.
                Thread { connection.send(requests) }.start()
                return connection.readAll(timeout: .seconds(20))
            }
            #expect(Self.answerCount(answer) == count + 2)
            #expect(answer.components(separatedBy: "HTTP/1.1 404").count - 1 == count + 1)
        }
    }

    @Test func aClientThatShutsItsSendingSideStillGetsItsAnswer() async throws {
        try await withGateway { gateway in
            let port = gateway.ports.gateway
            let answer = await inThread { () -> String in
                guard let connection = try? RawConnection(port: port) else { return "" }
                defer { connection.close() }
                connection.send("POST \(Fixtures.resendPath()) HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Length: 0\r\n\r\n")
                connection.shutdownWrite()
                return connection.readAll(timeout: .seconds(10))
            }
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            let invitations = try await gateway.sent().total
            #expect(invitations == 1)
        }
    }

    @Test func anOversizedUploadIsAnswered413WhileItIsStillBeingSent() async throws {
        try await withGateway(sections: ["server": ["max_body = \"1KiB\""]]) { gateway in
            let port = gateway.ports.gateway
            let (answer, sentAll) = await inThread { () -> (String, Bool) in
                guard let connection = try? RawConnection(port: port) else { return ("", false) }
                defer { connection.close() }
                let size = 512 * 1024
                var sentAll = connection.send(
                    "POST \(Fixtures.resendPath()) HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: \(size)\r\n\r\n")
                let chunk = String(repeating: " ", count: 16 * 1024)
                for _ in 0..<(size / chunk.utf8.count) { sentAll = connection.send(chunk) && sentAll }
                return (connection.readAll(timeout: .seconds(10)), sentAll)
            }
            #expect(answer.hasPrefix("HTTP/1.1 413"), "the client read the refusal rather than a reset: \(answer.prefix(200))")
            #expect(sentAll, "the gateway read and dropped the body instead of resetting the connection")
            let invitations = try await gateway.sent().total
            #expect(invitations == 0)
        }
    }

    /// An absolute-form target (`GET http://host/path`) is routed by its path, like ServiceStack does.
    @Test func anAbsoluteFormTargetIsRoutedByItsPath() async throws {
        try await withGateway { gateway in
            let port = gateway.ports.gateway
            let (answer, _) = await Self.converse(
                port, "HEAD http://x\(Fixtures.resendPath()) HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 405"), "the resend route refuses HEAD: \(answer)")
        }
    }

    @Test func anHTTP10ClientWithoutKeepAliveIsAnsweredAndClosed() async throws {
        try await withGateway { gateway in
            let port = gateway.ports.gateway
            let (answer, seconds) = await Self.converse(port, "GET /api/contacts HTTP/1.0\r\nHost: x\r\n\r\n")
            #expect(Self.answerCount(answer) == 1)
            #expect(seconds < 5, "an HTTP/1.0 connection without keep-alive closes after its answer, not after idle_timeout")
        }
    }

    @Test func anUploadAbandonedMidBodyIsLoggedAsUnreadable() async throws {
        try await withGateway { gateway in
            let port = gateway.ports.gateway
            await inThread {
                guard let connection = try? RawConnection(port: port) else { return }
                connection.send("POST \(Fixtures.resendPath()) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\"")
                Thread.sleep(forTimeInterval: 0.2)
                connection.close()
            }
            var logged: [Int] = []
            for _ in 0..<200 where logged.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                logged = gateway.records.all.map(\.status)
            }
            #expect(logged == [400], "one line for the abandoned request")
            let invitations = try await gateway.sent().total
            #expect(invitations == 0)
        }
    }
}
