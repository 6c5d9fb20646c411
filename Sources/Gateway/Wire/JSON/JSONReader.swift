/// A strict RFC 8259 reader for DTO bodies.
///
/// Hand-written rather than `JSONSerialization`/`JSONDecoder` because those keep one of two duplicate
/// keys without telling (and say nothing of keys that differ only in case, which ServiceStack treats
/// as the same member) — a smuggling hole when the gateway checks one value and the upstream binds
/// the other. Here both are errors. Also refused: invalid UTF-8, lone surrogates in `\u` escapes,
/// raw control characters in strings, trailing garbage, depth beyond `maxDepth` (recursion is bounded
/// by it), input beyond `maxBytes`. A leading UTF-8 BOM is ignored (RFC 8259 §8.1 allows it).
public enum JSONReader {
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(JSONError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw JSONError(.tooLarge, at: limits.maxBytes, "\(bytes.count) bytes, limit \(limits.maxBytes)")
        }
        if let bad = UTF8Scalars.firstInvalid(bytes) { throw JSONError(.invalidUTF8, at: bad) }
        var parser = JSONParser(b: bytes, maxDepth: limits.maxDepth)
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { parser.i = 3 }
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.i == bytes.count else { throw JSONError(.trailingGarbage, at: parser.i) }
        return value
    }

    public static func parse(_ text: String, limits: JSONLimits = JSONLimits()) throws(JSONError) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }
}

struct JSONParser {
    let b: [UInt8]
    let maxDepth: Int
    var i = 0

    init(b: [UInt8], maxDepth: Int) {
        self.b = b
        self.maxDepth = maxDepth
    }

    mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        skipSpace()
        guard i < b.count else { throw JSONError(.unexpectedEnd, at: i) }
        switch b[i] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw JSONError(.unexpectedCharacter, at: i)
        }
    }

    mutating func object(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= maxDepth else { throw JSONError(.tooDeep, at: i, "limit \(maxDepth)") }
        i += 1
        var members: [JSONMember] = []
        var folded: Set<String> = []
        skipSpace()
        if i < b.count && b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipSpace()
            let keyOffset = i
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw endOr(.unexpectedCharacter, "expected a key") }
            let key = try string()
            if !folded.insert(key.lowercased()).inserted {
                let exact = members.contains { $0.key == key }
                throw JSONError(exact ? .duplicateKey : .caseInsensitiveDuplicateKey, at: keyOffset, key)
            }
            skipSpace()
            guard i < b.count, b[i] == UInt8(ascii: ":") else { throw endOr(.unexpectedCharacter, "expected ':'") }
            i += 1
            members.append(JSONMember(key: key, value: try value(depth: depth)))
            skipSpace()
            guard i < b.count else { throw JSONError(.unexpectedEnd, at: i) }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw JSONError(.unexpectedCharacter, at: i, "expected ',' or '}'")
        }
    }

    mutating func array(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= maxDepth else { throw JSONError(.tooDeep, at: i, "limit \(maxDepth)") }
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < b.count && b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            items.append(try value(depth: depth))
            skipSpace()
            guard i < b.count else { throw JSONError(.unexpectedEnd, at: i) }
            if b[i] == UInt8(ascii: ",") { i += 1; continue }
            if b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw JSONError(.unexpectedCharacter, at: i, "expected ',' or ']'")
        }
    }

    /// A string at `i` (on the opening quote). Input is already known to be valid UTF-8.
    mutating func string() throws(JSONError) -> String {
        i += 1
        let start = i
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: b[start..<(i - 1)], as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") { break }
            guard c >= 0x20 else { throw JSONError(.controlCharacter, at: i) }
            i += 1
        }
        var out = Array(b[start..<i])
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            guard c >= 0x20 else { throw JSONError(.controlCharacter, at: i) }
            if c == UInt8(ascii: "\\") {
                try escape(into: &out)
            } else {
                out.append(c)
                i += 1
            }
        }
        throw JSONError(.unexpectedEnd, at: i, "unclosed string")
    }

    private mutating func escape(into out: inout [UInt8]) throws(JSONError) {
        let start = i
        guard i + 1 < b.count else { throw JSONError(.unexpectedEnd, at: i) }
        i += 2
        switch b[start + 1] {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hex4()
            switch unit {
            case 0xD800...0xDBFF:
                guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                    throw JSONError(.loneSurrogate, at: start)
                }
                i += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONError(.loneSurrogate, at: start) }
                UTF8Scalars.append(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), to: &out)
            case 0xDC00...0xDFFF:
                throw JSONError(.loneSurrogate, at: start)
            default:
                UTF8Scalars.append(unit, to: &out)
            }
        default:
            throw JSONError(.badEscape, at: start)
        }
    }

    private mutating func hex4() throws(JSONError) -> UInt32 {
        guard i + 4 <= b.count else { throw JSONError(.unexpectedEnd, at: i) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw JSONError(.badEscape, at: i)
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, returned as its text.
    private mutating func number() throws(JSONError) -> String {
        let start = i
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count, isDigit(b[i]) else { throw endOr(.badNumber) }
        if b[i] == UInt8(ascii: "0") { i += 1 } else { skipDigits() }
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            guard i < b.count, isDigit(b[i]) else { throw endOr(.badNumber) }
            skipDigits()
        }
        if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < b.count, isDigit(b[i]) else { throw endOr(.badNumber) }
            skipDigits()
        }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while i < b.count && isDigit(b[i]) { i += 1 }
    }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        guard i + count <= b.count else { throw JSONError(.unexpectedEnd, at: i) }
        let start = word.utf8Start
        for k in 0..<count where b[i + k] != start[k] { throw JSONError(.unexpectedCharacter, at: i + k) }
        i += count
    }

    mutating func skipSpace() {
        while i < b.count && (b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09) { i += 1 }
    }

    private func endOr(_ kind: JSONError.Kind, _ detail: String = "") -> JSONError {
        JSONError(i < b.count ? kind : .unexpectedEnd, at: i, detail)
    }
}
