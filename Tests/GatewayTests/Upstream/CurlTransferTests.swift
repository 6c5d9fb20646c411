// Why this file exists: the upstream's header lines are parsed by hand on bytes (libcurl hands them over
// one raw line at a time); what the client and the store later see of an answer starts here.

import NIOCore
import Testing
@testable import Gateway

@Suite struct CurlTransferTests {
    /// Feeds `lines` to a transfer as libcurl would and returns the headers it kept.
    private func headers(of lines: [[UInt8]]) async throws -> [HeaderLine] {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<UpstreamResponse, any Error>) in
            let transfer = CurlTransfer(continuation: continuation, maxResponse: 1024)
            for line in lines { line.withUnsafeBytes { transfer.receiveHeaderLine($0) } }
            continuation.resume(returning: UpstreamResponse(
                status: 200, headers: transfer.headers, body: ByteBuffer(), connectionsOpened: 0, duration: .zero))
        }.headers
    }

    private func headers(of lines: [String]) async throws -> [HeaderLine] {
        try await headers(of: lines.map { Array($0.utf8) })
    }

    @Test func namesAndTrimmedValuesInOrder() async throws {
        let parsed = try await headers(of: [
            "HTTP/1.1 200 OK\r\n", "Content-Type:  application/json \t\r\n", "X-Empty:\r\n", "Set-Cookie: a=b; Path=/\r\n", "\r\n",
        ])
        #expect(parsed == [HeaderLine("Content-Type", "application/json"), HeaderLine("X-Empty", ""), HeaderLine("Set-Cookie", "a=b; Path=/")])
    }

    @Test func anInterimAnswerIsDroppedWithItsHeaders() async throws {
        let parsed = try await headers(of: [
            "HTTP/1.1 100 Continue\r\n", "X-Interim: 1\r\n", "\r\n", "HTTP/1.1 201 Created\r\n", "Location: /x\r\n", "\r\n",
        ])
        #expect(parsed == [HeaderLine("Location", "/x")])
    }

    @Test func foldedLinesContinueTheValueAndLinesWithoutAColonAreIgnored() async throws {
        let parsed = try await headers(of: [
            "HTTP/1.1 200 OK\r\n", "X-Long: one\r\n", " \t two \r\n", "garbage line\r\n", "X-Next: value: with colon\n",
        ])
        #expect(parsed == [HeaderLine("X-Long", "one two"), HeaderLine("X-Next", "value: with colon")])
    }

    @Test func bytesThatAreNotUTF8AreReplacedNotFatal() async throws {
        let parsed = try await headers(of: [Array("X-Bin: a".utf8) + [0xFF, 0xFE] + Array("\r\n".utf8)])
        #expect(parsed == [HeaderLine("X-Bin", "a\u{FFFD}\u{FFFD}")])
    }
}
