/// Query strings as the access log shows them: every parameter named in `access_log.redact_query`
/// (compared case-insensitively, after percent-decoding the name) has its value replaced by `REDACTED`.
/// Runs for every logged request, so it walks UTF-8 bytes and builds a new string only when something
/// is redacted.
enum QueryRedaction {
    static func redact(_ target: String, names: Set<String>) -> String {
        guard !names.isEmpty, let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target }
        let utf8 = target.utf8
        var out: String?
        var copiedUpTo = utf8.index(after: mark)
        var start = copiedUpTo
        while start <= utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "&")) ?? utf8.endIndex
            let equals = utf8[start..<end].firstIndex(of: UInt8(ascii: "="))
            let name = Substring(utf8[start..<(equals ?? end)])
            if names.contains(QueryString.decode(name).lowercased()) {
                var text = out ?? ""
                text += target[copiedUpTo..<(equals ?? end)]
                text += "=REDACTED"
                out = text
                copiedUpTo = end
            }
            guard end < utf8.endIndex else { break }
            start = utf8.index(after: end)
        }
        guard var text = out else { return target }
        text += target[copiedUpTo...]
        return String(target[...mark]) + text
    }
}
