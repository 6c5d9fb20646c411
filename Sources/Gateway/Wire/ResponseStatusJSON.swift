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
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
