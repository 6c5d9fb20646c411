/// ServiceStack's choice of response format (SPEC §4.2), as a pure function of the request:
/// path suffix → predefined-route prefix → `?format=` → `Accept` (server order: JSON before XML;
/// `*/*` falls back to the request's Content-Type) → the configured default.
public enum FormatNegotiation {
    public static func negotiate(route: ResendRoute?, query: Substring?, accept: String?, contentType: String?, defaultFormat: WireFormat) -> WireFormat {
        if let suffix = route?.suffixFormat { return suffix }
        if let prefix = route?.predefinedFormat { return prefix }
        if let format = QueryString.firstValue(named: "format", in: query) {
            // ServiceStack reads the part before a '.', case-insensitively; unknown values fall through.
            let name = format.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0.lowercased() }
            if name == "json" { return .json }
            if name == "xml" { return .xml }
        }
        if let accept {
            let types = accept.utf8.split(separator: UInt8(ascii: ",")).map { mediaType(Substring($0)) }
            if types.contains(where: { $0.hasPrefix("application/json") }) { return .json }
            if types.contains(where: { $0.hasPrefix("application/xml") }) { return .xml }
            if types.contains("*/*"), let body = contentType.map({ mediaType(Substring($0)) }) {
                if body == "application/json" || body == "text/json" { return .json }
                if body == "application/xml" || body == "text/xml" { return .xml }
            }
        }
        return defaultFormat
    }

    /// `type/subtype` lower-cased, parameters dropped.
    static func mediaType(_ value: Substring) -> String {
        var type = value.utf8.firstIndex(of: UInt8(ascii: ";")).map { value.utf8[..<$0] } ?? value.utf8
        while let first = type.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { type = type.dropFirst() }
        while let last = type.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { type = type.dropLast() }
        // Media types are ASCII; lower-casing bytes avoids Unicode case mapping on every request.
        guard type.allSatisfy({ $0 < 0x80 }) else { return Substring(type).lowercased() }
        return type.asciiLowercasedString()
    }
}

extension Substring {
    func trimmingCharacters(in set: Set<Character>) -> Substring {
        var slice = self
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return slice
    }
}
