import Foundation
import Logging

/// Diagnostics as JSON lines on stderr (SPEC §5), one object per event: `ts`, `level`, `msg`, then metadata.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = [
            "\"ts\":\(JSONText.quote(Timestamp.rfc3339(Date())))", "\"level\":\(JSONText.quote(event.level.rawValue))",
            "\"logger\":\(JSONText.quote(label))", "\"msg\":\(JSONText.quote(event.message.description))",
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in merged.keys.sorted() {
            fields.append("\(JSONText.quote(key)):\(JSONText.quote(merged[key]?.description ?? ""))")
        }
        let line = "{" + fields.joined(separator: ",") + "}\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

enum Timestamp {
    /// RFC 3339 in UTC with milliseconds.
    static func rfc3339(_ date: Date) -> String {
        var bytes: [UInt8] = []
        appendRFC3339(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same, appended to `out` (the access log writes its lines this way).
    static func appendRFC3339(_ date: Date, to out: inout [UInt8]) {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        let millis = min(999, max(0, Int((date.timeIntervalSince1970 - Double(time)) * 1000)))
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
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
        out.append(UInt8(ascii: "Z"))
    }
}
