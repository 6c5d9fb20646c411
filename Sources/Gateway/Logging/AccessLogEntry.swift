import Foundation

/// One access-log line (SPEC §5), built from a finished exchange; `json` or Apache `combined`.
struct AccessLogEntry: Sendable {
    var time: Date
    var requestID: String
    var remoteAddress: String
    var method: String
    var path: String
    var status: Int
    var bytes: Int
    var durationMilliseconds: Double
    var decision: String
    var policy: String?
    var principal: String?
    var connectionRequestID: String?
    var contactID: String?
    var idempotencyKey: String?
    var upstreamStatus: Int?
    var upstreamMilliseconds: Double?
    var retried: Bool
    var outcome: String?
    var userAgent: String?
    var referer: String?

    init(_ response: GatewayResponse, started: Date, duration: Duration, redact: [String]) {
        let exchange = response.exchange
        let record = response.record
        time = started
        requestID = exchange.requestId
        remoteAddress = exchange.request.remoteAddress ?? "-"
        method = exchange.request.method
        path = QueryRedaction.redact(exchange.request.target, names: redact)
        status = response.status
        bytes = response.body.readableBytes
        durationMilliseconds = duration.fractionalMilliseconds
        decision = record.decision.rawValue
        policy = record.policy
        principal = exchange.principal
        connectionRequestID = exchange.resend?.connectionRequestId.description
        contactID = exchange.resend?.contactId.description
        idempotencyKey = record.idempotencyKeyHash
        upstreamStatus = record.upstreamStatus
        upstreamMilliseconds = record.upstreamDuration?.fractionalMilliseconds
        retried = record.retried
        outcome = record.outcome?.rawValue
        userAgent = exchange.request.header(.userAgent)
        referer = exchange.request.header(.referer)
    }

    /// Strings are cut to 256 characters.
    static let maxCharacters = 256

    static func cut(_ text: String) -> String { text.count > maxCharacters ? String(text.prefix(maxCharacters)) : text }

    /// Apache combined, control characters and quotes escaped, then ` rid=… decision=… upstream_ms=…`.
    var combined: String {
        let user = principal.map { Self.escape(Self.cut($0)) } ?? "-"
        let request = Self.escape(Self.cut("\(method) \(path) HTTP/1.1"))
        let referer = self.referer.map { Self.escape(Self.cut($0)) } ?? "-"
        let agent = userAgent.map { Self.escape(Self.cut($0)) } ?? "-"
        return "\(remoteAddress) - \(user) [\(Self.apacheTime(time))] \"\(request)\" \(status) \(bytes) \"\(referer)\" \"\(agent)\""
            + " rid=\(requestID) decision=\(decision) upstream_ms=\(upstreamMilliseconds.map(Self.milliseconds) ?? "-")"
    }

    /// One decimal, like `%.1f`, without Foundation's formatter (once or twice per request).
    static func milliseconds(_ value: Double) -> String {
        guard value.isFinite, value >= 0, value < 1e15 else { return String(format: "%.1f", value) }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Like Apache's `ap_escape_logitem`: `"` and `\` backslashed, control and non-ASCII bytes as `\xHH`.
    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += String(format: "\\x%02x", byte)
            }
        }
        return out
    }

    static func apacheTime(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return String(format: "%02d/%@/%04d:%02d:%02d:%02d +0000", parts.tm_mday, months[Int(parts.tm_mon)], parts.tm_year + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
