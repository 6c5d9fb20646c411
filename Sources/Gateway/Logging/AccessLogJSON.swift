import Foundation

/// The `json` access-log line, written straight into bytes.
///
/// Why by hand rather than `JSONEncoder` or string interpolation: the line is written once per request,
/// and building it from interpolated strings with per-scalar quoting cost about a tenth of a replayed
/// request's CPU (perf, replay path). Field order and escaping are those of SPEC §5.
extension AccessLogEntry {
    func appendJSON(to out: inout [UInt8]) {
        var line = JSONLine(out: out)
        out = []
        line.open()
        line.timestamp("ts", time)
        line.string("request_id", requestID)
        line.string("remote_addr", remoteAddress)
        line.string("method", method)
        line.string("path", path)
        line.integer("status", status)
        line.integer("bytes", bytes)
        line.milliseconds("duration_ms", durationMilliseconds)
        line.string("decision", decision)
        line.string("policy", policy)
        line.string("principal", principal)
        line.string("connection_request_id", connectionRequestID)
        line.string("contact_id", contactID)
        line.string("idempotency_key", idempotencyKey)
        line.integer("upstream_status", upstreamStatus)
        line.milliseconds("upstream_ms", upstreamMilliseconds)
        line.raw("retried", retried ? "true" : "false")
        line.string("outcome", outcome)
        line.string("user_agent", userAgent)
        line.close()
        out = line.out
    }

    var json: String {
        var bytes: [UInt8] = []
        appendJSON(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// One JSON object being appended to a byte buffer.
struct JSONLine {
    var out: [UInt8]
    private var first = true

    init(out: [UInt8]) {
        self.out = out
    }

    mutating func open() { out.append(UInt8(ascii: "{")) }

    mutating func close() { out.append(UInt8(ascii: "}")) }

    mutating func string(_ name: StaticString, _ value: String?) {
        key(name)
        guard let value else { return null() }
        JSONLine.quote(value.utf8.count > AccessLogEntry.maxCharacters ? AccessLogEntry.cut(value) : value, into: &out)
    }

    mutating func integer(_ name: StaticString, _ value: Int?) {
        key(name)
        guard let value else { return null() }
        out.append(contentsOf: String(value).utf8)
    }

    mutating func milliseconds(_ name: StaticString, _ value: Double?) {
        key(name)
        guard let value else { return null() }
        out.append(contentsOf: AccessLogEntry.milliseconds(value).utf8)
    }

    mutating func raw(_ name: StaticString, _ literal: StaticString) {
        key(name)
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// RFC 3339 in UTC with milliseconds.
    mutating func timestamp(_ name: StaticString, _ date: Date) {
        key(name)
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        let millis = min(999, max(0, Int((date.timeIntervalSince1970 - Double(time)) * 1000)))
        out.append(UInt8(ascii: "\""))
        digits(Int(parts.tm_year) + 1900, 4)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        out.append(UInt8(ascii: "."))
        digits(millis, 3)
        out.append(contentsOf: "Z\"".utf8)
    }

    /// A JSON string literal: `"` and `\` escaped, control characters as short or `\u00XX` escapes,
    /// every other byte (UTF-8 included) copied.
    static func quote(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x20...: out.append(byte)
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            default:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func key(_ name: StaticString) {
        out.append(first ? UInt8(ascii: "\"") : UInt8(ascii: ","))
        if !first { out.append(UInt8(ascii: "\"")) }
        first = false
        out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    private mutating func null() { out.append(contentsOf: "null".utf8) }

    private mutating func digits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }
}
