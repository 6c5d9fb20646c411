/// Minimal reading of `application/x-www-form-urlencoded` query strings: `+` is a space, `%XX` decoded,
/// keys compared case-insensitively (ServiceStack binds query keys that way).
public enum QueryString {
    public static func pairs(_ query: Substring?) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            let value = parts.count > 1 ? decode(parts[1]) : ""
            return (name, value)
        }
    }

    public static func values(named name: String, in query: Substring?) -> [String] {
        let wanted = name.lowercased()
        return pairs(query).filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    public static func firstValue(named name: String, in query: Substring?) -> String? {
        values(named: name, in: query).first
    }

    /// Percent-decodes; invalid escapes are kept literally and invalid UTF-8 is replaced.
    public static func decode(_ text: Substring) -> String {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), bytes.count >= 2, bytes.prefix(2).allSatisfy(isHexDigit),
                let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16)
            {
                out.append(value)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
