/// Query strings as the access log shows them: every parameter named in `access_log.redact_query`
/// (compared case-insensitively, after percent-decoding the name) has its value replaced by `REDACTED`.
/// Runs for every logged request, so it walks UTF-8 bytes and builds a new string only when something
/// is redacted.
enum QueryRedaction {
    /// `names` lower-case. A list, not a set: a name is compared in place with each (a handful), where
    /// a set lookup would build a decoded, lower-cased string for every parameter of every request.
    static func redact(_ target: String, names: [String]) -> String {
        guard !names.isEmpty, let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target }
        let utf8 = target.utf8
        var out: String?
        var copiedUpTo = utf8.index(after: mark)
        var start = copiedUpTo
        while start <= utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "&")) ?? utf8.endIndex
            let equals = utf8[start..<end].firstIndex(of: UInt8(ascii: "="))
            let name = Substring(utf8[start..<(equals ?? end)])
            if isRedacted(name, names) {
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

    private static func isRedacted(_ name: Substring, _ names: [String]) -> Bool {
        // Escapes and non-ASCII bytes take the general way (Unicode lower-casing, as configured names got).
        if name.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") || $0 >= 0x80 }) {
            return names.contains(QueryString.decode(name).lowercased())
        }
        return names.contains { name.utf8.elementsEqual($0.utf8) { $0.asciiLowercased == $1 } }
    }
}
