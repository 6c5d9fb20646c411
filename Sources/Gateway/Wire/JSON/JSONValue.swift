/// A parsed JSON document as `JSONReader` returns it: object members stay in document order (an
/// array of pairs, not a dictionary, so nothing is reordered or silently merged) and numbers stay as
/// their source text (no Double rounding; the text can be echoed back in error messages).
public indirect enum JSONValue: Sendable, Equatable {
    case object([JSONMember])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Compact JSON text for this value (numbers verbatim, strings escaped as ServiceStack does).
    public var serialized: String {
        switch self {
        case .object(let members):
            return "{" + members.map { JSONText.quote($0.key) + ":" + $0.value.serialized }.joined(separator: ",") + "}"
        case .array(let items):
            return "[" + items.map(\.serialized).joined(separator: ",") + "]"
        case .string(let text): return JSONText.quote(text)
        case .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        }
    }

    /// The value of an object's member, matched case-insensitively as ServiceStack reads members.
    public func member(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let wanted = name.lowercased()
        return members.first { $0.key.lowercased() == wanted }?.value
    }
}

public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}
