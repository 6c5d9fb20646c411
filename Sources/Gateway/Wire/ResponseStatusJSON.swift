/// Writes ServiceStack-shaped JSON for a response that carries only `ResponseStatus`.
/// Hand-written because the bytes must match ServiceStack.Text: contract member order, nulls omitted,
/// `Errors` always present; JSONEncoder orders keys by hash or alphabetically.
public enum ResponseStatusJSON {
    public static func render(_ status: ResponseStatus?, style: WireStyle) -> String {
        var out = "{"
        if let status {
            out += key("ResponseStatus", style) + ":" + object(status, style)
        }
        return out + "}"
    }

    static func object(_ status: ResponseStatus, _ style: WireStyle) -> String {
        var members: [String] = []
        if let code = status.errorCode { members.append(key("ErrorCode", style) + ":" + JSONText.quote(code)) }
        if let message = status.message { members.append(key("Message", style) + ":" + JSONText.quote(message)) }
        if let trace = status.stackTrace { members.append(key("StackTrace", style) + ":" + JSONText.quote(trace)) }
        members.append(key("Errors", style) + ":[" + status.errors.map { error($0, style) }.joined(separator: ",") + "]")
        if let meta = status.meta { members.append(key("Meta", style) + ":" + dictionary(meta)) }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func error(_ error: ResponseError, _ style: WireStyle) -> String {
        var members: [String] = []
        if let code = error.errorCode { members.append(key("ErrorCode", style) + ":" + JSONText.quote(code)) }
        if let field = error.fieldName { members.append(key("FieldName", style) + ":" + JSONText.quote(field)) }
        if let message = error.message { members.append(key("Message", style) + ":" + JSONText.quote(message)) }
        if let meta = error.meta { members.append(key("Meta", style) + ":" + dictionary(meta)) }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func dictionary(_ entries: [(key: String, value: String)]) -> String {
        "{" + entries.map { JSONText.quote($0.key) + ":" + JSONText.quote($0.value) }.joined(separator: ",") + "}"
    }

    static func key(_ pascal: String, _ style: WireStyle) -> String {
        JSONText.quote(style.jsonCase == .pascal ? pascal : pascal.prefix(1).lowercased() + pascal.dropFirst())
    }
}

enum JSONText {
    /// A JSON string literal; control characters escaped, everything else (UTF-8) kept as is.
    static func quote(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        quote(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same literal appended to `out`: `"` and `\` escaped, control characters as short or
    /// `\u00XX` escapes, every other byte copied (the access log writes its lines this way).
    static func quote(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most values need no escape at all: copy them in one piece.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
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
}
