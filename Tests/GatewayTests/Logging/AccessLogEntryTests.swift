import Foundation
import HTTPTypes
import NIOCore
import Testing
@testable import Gateway

@Suite("Access-log lines")
struct AccessLogEntryTests {
    func response(target: String, userAgent: String = "crm/1.0 \"quoted\" caf\u{e9}") -> GatewayResponse {
        var headers = HTTPFields()
        headers[.userAgent] = userAgent
        let request = GatewayRequest(method: "POST", target: target, headers: headers, body: ByteBuffer(), remoteAddress: "10.1.2.3")
        let exchange = Exchange(request: request, requestId: "rid-1", format: .json, style: WireStyle())
        exchange.principal = "crm"
        exchange.resend = ConnectionRequestResend(connectionRequestId: GUID(Fixtures.requestId)!, contactId: GUID(Fixtures.contactId)!)
        var response = GatewayResponse(status: 200, headers: [], body: "{}", exchange: exchange)
        response.record.upstreamStatus = 200
        response.record.upstreamDuration = .milliseconds(12)
        response.record.outcome = .stored
        response.record.idempotencyKeyHash = "0123456789abcdef"
        return response
    }

    @Test func jsonCarriesEveryFieldWithTheQueryRedacted() throws {
        let entry = AccessLogEntry(response(target: "/p?ApiKey=s3cret&a=1&%61uthsecret=x"), started: Date(timeIntervalSince1970: 1_800_000_000.25), duration: .milliseconds(15), redact: ["apikey", "authsecret"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(entry.json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == [
            "ts", "request_id", "remote_addr", "method", "path", "status", "bytes", "duration_ms", "decision", "policy", "principal",
            "connection_request_id", "contact_id", "idempotency_key", "upstream_status", "upstream_ms", "retried", "outcome", "user_agent",
        ])
        #expect(object["ts"] as? String == "2027-01-15T08:00:00.250Z")
        #expect(object["path"] as? String == "/p?ApiKey=REDACTED&a=1&%61uthsecret=REDACTED")
        #expect(object["contact_id"] as? String == Fixtures.contactId)
        #expect(object["upstream_ms"] as? Double == 12)
        #expect(object["outcome"] as? String == "stored")
        #expect(!entry.json.contains("s3cret"))
    }

    @Test func combinedIsApacheCombinedWithEscapesAndTheGatewaysFields() {
        let entry = AccessLogEntry(response(target: "/p"), started: Date(timeIntervalSince1970: 1_800_000_000), duration: .milliseconds(15), redact: [])
        #expect(entry.combined == #"10.1.2.3 - crm [15/Jan/2027:08:00:00 +0000] "POST /p HTTP/1.1" 200 2 "-" "crm/1.0 \"quoted\" caf\xc3\xa9" rid=rid-1 decision=forwarded upstream_ms=12.0"#)
    }

    @Test func longStringsAreCutTo256Characters() throws {
        let entry = AccessLogEntry(response(target: "/" + String(repeating: "a", count: 400)), started: Date(), duration: .zero, redact: [])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(entry.json.utf8)) as? [String: Any])
        #expect((object["path"] as? String)?.count == 256)
    }

    @Test func stringsAreQuotedWithControlCharactersEscapedAndUTF8Kept() throws {
        let text = "a\u{0}b\u{1f}c\td\ne\rf\u{8}g\u{c}h\"i\\j caf\u{e9} \u{1F600}\u{7f}"
        var bytes: [UInt8] = []
        JSONText.quote(text, into: &bytes)
        let quoted = String(decoding: bytes, as: UTF8.self)
        #expect(!bytes.contains(where: { $0 < 0x20 }), "no raw control byte in a line")
        #expect(quoted == #""a\u0000b\u001fc\td\ne\rf\bg\fh\"i\\j caf\#u{e9} \#u{1F600}\#u{7f}""#)
        #expect(try JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed) as? String == text)
    }

    @Test func durationsHaveOneDecimalInTheLine() {
        let entry = AccessLogEntry(response(target: "/p"), started: Date(), duration: .microseconds(1_249_960), redact: [])
        #expect(entry.json.contains(#""duration_ms":1250.0,"#))
    }

    @Test(arguments: [(0.0, "0.0"), (0.04, "0.0"), (0.06, "0.1"), (12.0, "12.0"), (1_249.96, "1250.0"), (99.95001, "100.0")])
    func millisecondsHaveOneDecimal(value: Double, text: String) {
        #expect(AccessLogEntry.milliseconds(value) == text)
    }
}
