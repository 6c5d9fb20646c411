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
        JSONText.quote(value.utf8.count > AccessLogEntry.maxCharacters ? AccessLogEntry.cut(value) : value, into: &out)
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

    mutating func timestamp(_ name: StaticString, _ date: Date) {
        key(name)
        out.append(UInt8(ascii: "\""))
        Timestamp.appendRFC3339(date, to: &out)
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
}
