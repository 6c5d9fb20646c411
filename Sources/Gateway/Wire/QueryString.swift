/// Minimal reading of `application/x-www-form-urlencoded` query strings: `+` is a space, `%XX` decoded,
/// keys compared case-insensitively (ServiceStack binds query keys that way).
///
/// Works on UTF-8 bytes, not Characters: `&` and `=` are ASCII, so byte boundaries are scalar
/// boundaries, and every request reads its query several times (route, negotiation, binding) — the
/// Character-based splitting this replaced was a measurable share of a request's CPU.
public enum QueryString {
    public static func pairs(_ query: Substring?) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        forEachPair(query) { name, value in
            result.append((decode(name), decode(value)))
            return true
        }
        return result
    }

    public static func values(named name: String, in query: Substring?) -> [String] {
        var result: [String] = []
        forEachPair(query) { rawName, value in
            if matches(rawName, name) { result.append(decode(value)) }
            return true
        }
        return result
    }

    public static func firstValue(named name: String, in query: Substring?) -> String? {
        var found: String?
        forEachPair(query) { rawName, value in
            guard matches(rawName, name) else { return true }
            found = decode(value)
            return false
        }
        return found
    }

    /// Calls `body` with each non-empty `name[=value]` pair, raw, until it returns false.
    private static func forEachPair(_ query: Substring?, _ body: (Substring, Substring) -> Bool) {
        guard let query, !query.isEmpty else { return }
        let utf8 = query.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "&")) ?? utf8.endIndex
            if start < end {
                let pair = utf8[start..<end]
                let keepGoing: Bool
                if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                    keepGoing = body(Substring(utf8[start..<equals]), Substring(utf8[utf8.index(after: equals)..<end]))
                } else {
                    keepGoing = body(Substring(pair), "")
                }
                if !keepGoing { return }
            }
            guard end < utf8.endIndex else { return }
            start = utf8.index(after: end)
        }
    }

    /// Whether a raw (still encoded) name equals `wanted`, ignoring ASCII case. Names with escapes are
    /// decoded first; plain ones are compared byte by byte without building a string.
    private static func matches(_ raw: Substring, _ wanted: String) -> Bool {
        if raw.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            return decode(raw).lowercased() == wanted.lowercased()
        }
        return raw.utf8.elementsEqual(wanted.utf8) { $0.asciiLowercased == $1.asciiLowercased }
    }

    /// Percent-decodes; invalid escapes are kept literally and invalid UTF-8 is replaced.
    public static func decode(_ text: Substring) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var bytes = text.utf8[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), let high = bytes.first?.hexDigitValue,
                let low = bytes.dropFirst().first?.hexDigitValue
            {
                out.append(high << 4 | low)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
