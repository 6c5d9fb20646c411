import Foundation
import Testing

/// Request smuggling: framing the gateway and the upstream could read differently must be refused
/// before anything is forwarded, and a request hidden in a body must never reach the upstream.
@Suite("Request smuggling and hostile header values")
struct SmugglingTests {
    /// Sends raw bytes on one connection and returns what came back before the gateway closed it.
    func raw(_ port: Int, _ text: String) async -> String {
        await inThread {
            guard let connection = try? RawConnection(port: port) else { return "" }
            defer { connection.close() }
            connection.send(text)
            return connection.readAll(timeout: .seconds(3))
        }
    }

    func hidden(_ id: String) -> String {
        "POST \(Fixtures.resendPath(id, contact: Fixtures.guid())) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    }

    @Test func contentLengthWithTransferEncodingIsRefusedAndNothingIsForwarded() async throws {
        try await withGateway { gateway in
            let smuggled = hidden(Fixtures.guid())
            let body = "0\r\n\r\n" + smuggled
            let answer = await raw(gateway.ports.gateway, """
                POST \(Fixtures.resendPath()) HTTP/1.1\r
                Host: x\r
                Content-Type: application/json\r
                Content-Length: \(body.utf8.count)\r
                Transfer-Encoding: chunked\r
                \r
                \(body)
                """)
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(80))")
            #expect(answer.components(separatedBy: "HTTP/1.1 ").count == 2, "one answer, then the connection is closed")
            let report = try await gateway.sent()
            #expect(report.requests == 1, "only this report: neither the outer nor the hidden request reached the upstream")
        }
    }

    @Test func twoDifferentContentLengthsAreRefused() async throws {
        try await withGateway { gateway in
            let answer = await raw(gateway.ports.gateway, """
                POST \(Fixtures.resendPath()) HTTP/1.1\r
                Host: x\r
                Content-Type: application/json\r
                Content-Length: 2\r
                Content-Length: \(2 + hidden(Fixtures.guid()).utf8.count)\r
                \r
                {}\(hidden(Fixtures.guid()))
                """)
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(80))")
            let report = try await gateway.sent()
            #expect(report.requests == 1, "only this report")
        }
    }

    @Test func obsoleteLineFoldingIsRefused() async throws {
        try await withGateway { gateway in
            let answer = await raw(gateway.ports.gateway, """
                POST \(Fixtures.resendPath()) HTTP/1.1\r
                Host: x\r
                X-Request-Id: abc\r
                 Transfer-Encoding: chunked\r
                Content-Length: 0\r
                \r

                """)
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(80))")
            let report = try await gateway.sent()
            #expect(report.requests == 1, "only this report")
        }
    }

    @Test func aPipelinedSecondRequestIsItsOwnRequestAndIsCheckedLikeOne() async throws {
        try await withGateway { gateway in
            // Honest keep-alive pipelining: two resends, each validated and counted on its own.
            let (a, b) = (Fixtures.guid(), Fixtures.guid())
            let answer = await raw(gateway.ports.gateway, hidden(a) + hidden(b).replacingOccurrences(of: "Content-Length: 0\r\n", with: "Content-Length: 0\r\nConnection: close\r\n"))
            #expect(answer.components(separatedBy: "HTTP/1.1 200").count == 3, "\(answer.prefix(200))")
            let report = try await gateway.sent()
            #expect(Set(report.invitations.map(\.connectionRequestId)) == [a, b])
        }
    }

    @Test func moreThanAHundredHeaderFieldsAre431AndNotForwarded() async throws {
        try await withGateway { gateway in
            let many = (1...101).map { "X-Filler-\($0): a" }
            let refused = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: many)
            #expect(refused.status == 431)
            #expect(refused.body.contains("more than 100 header fields"))
            // A hundred in all (the client adds Host and Accept) still pass.
            let accepted = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: Array(many.prefix(90)))
            #expect(accepted.status == 200)
            let report = try await gateway.sent()
            #expect(report.total == 1)
        }
    }

    @Test func controlCharactersInHeaderValuesNeverReachTheUpstream() async throws {
        try await withGateway { gateway in
            for value in ["abc\u{01}def", "abc\u{7f}", "a\u{00}b"] {
                let answer = await raw(gateway.ports.gateway, """
                    POST \(Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid())) HTTP/1.1\r
                    Host: x\r
                    X-Request-Id: \(value)\r
                    User-Agent: \(value)\r
                    Content-Length: 0\r
                    Connection: close\r
                    \r

                    """)
                #expect(answer.hasPrefix("HTTP/1.1 400") || answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(80))")
                if answer.hasPrefix("HTTP/1.1 200") {
                    let last = try EchoedRequest.decode(await gateway.client.send("GET", gateway.stubBase + "/__stub/last").body)
                    #expect(last.value("X-Request-Id") != value, "an invalid request id is replaced")
                    #expect(last.headers.allSatisfy { $0.joined().unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7f || $0 == "\t" } })
                }
            }
        }
    }

    @Test func requestIdsOutsideTheirSyntaxAreReplacedAndClientForwardingHeadersAreNotTrusted() async throws {
        try await withGateway { gateway in
            let hostile = ["../../etc/passwd", String(repeating: "a", count: 65), "id with spaces", "id;drop", "ïd"]
            for id in hostile {
                let response = await gateway.client.send(
                    "POST", gateway.base + Fixtures.resendPath(Fixtures.guid(), contact: Fixtures.guid()),
                    headers: ["X-Request-Id: \(id)", "X-Forwarded-For: 6.6.6.6", "X-Forwarded-Host: evil.example", "Forwarded: for=6.6.6.6"])
                #expect(response.status == 200)
                let echoed = try #require(response.header("X-Request-Id"))
                #expect(echoed != id && echoed.range(of: "^[A-Za-z0-9._-]{1,64}$", options: .regularExpression) != nil)
                let last = try EchoedRequest.decode(await gateway.client.send("GET", gateway.stubBase + "/__stub/last").body)
                #expect(last.value("X-Request-Id") == echoed)
                #expect(last.values("X-Forwarded-For") == ["127.0.0.1"], "an untrusted client's chain is dropped")
                #expect(!last.values("X-Forwarded-Host").contains("evil.example"))
                #expect(!last.values("Forwarded").joined().contains("6.6.6.6"))
            }
        }
    }
}
