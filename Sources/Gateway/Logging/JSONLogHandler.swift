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
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        let millis = Int((date.timeIntervalSince1970 - Double(time)) * 1000)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }
}
