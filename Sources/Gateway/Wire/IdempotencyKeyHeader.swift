/// Reads the `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header): an RFC 8941 sf-String
/// whose decoded value is the key; a bare token is tolerated; parameters are ignored. The key must be
/// 1–255 printable ASCII characters. Anything else — a list, two header lines, bad escapes — is invalid,
/// and is refused before any store lookup.
public enum IdempotencyKeyHeader {
    public enum Parsed: Sendable, Equatable {
        case absent
        case key(String)
        case invalid(String)
    }

    public static func parse(_ values: [String]) -> Parsed {
        guard !values.isEmpty else { return .absent }
        guard values.count == 1, let value = values.first else { return .invalid("more than one Idempotency-Key header") }
        var input = Substring(value).trimmingCharacters(in: [" ", "\t"])
        guard !input.isEmpty else { return .invalid("the Idempotency-Key header is empty") }
        let key: String
        if input.first == "\"" {
            guard let (string, rest) = sfString(input) else { return .invalid("the Idempotency-Key is not a valid quoted string") }
            key = string
            input = rest
        } else {
            let token = input.prefix { $0 != ";" }
            guard token.unicodeScalars.allSatisfy(isTokenCharacter) else { return .invalid("the Idempotency-Key is neither a quoted string nor a token") }
            key = String(token)
            input = input.dropFirst(token.count)
        }
        // Only parameters may follow; a comma would make it a list.
        guard input.isEmpty || input.first == ";" else { return .invalid("the Idempotency-Key must be a single value") }
        guard !input.contains(",") else { return .invalid("the Idempotency-Key must be a single value") }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else {
            return .invalid("the Idempotency-Key must be 1 to 255 printable ASCII characters")
        }
        return .key(key)
    }

    /// RFC 8941 §4.2.5: `"` … `"` with `\"` and `\\` as the only escapes, printable ASCII inside.
    private static func sfString(_ input: Substring) -> (String, Substring)? {
        var out = ""
        var index = input.index(after: input.startIndex)
        while index < input.endIndex {
            let character = input[index]
            switch character {
            case "\\":
                let next = input.index(after: index)
                guard next < input.endIndex, input[next] == "\"" || input[next] == "\\" else { return nil }
                out.append(input[next])
                index = input.index(after: next)
            case "\"":
                return (out, input[input.index(after: index)...])
            default:
                guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1, (0x20...0x7E).contains(scalar.value) else { return nil }
                out.append(character)
                index = input.index(after: index)
            }
        }
        return nil
    }

    /// RFC 8941 sf-token characters (tchar plus `:` and `/`).
    private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        case "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~", ":", "/": return true
        default: return false
        }
    }
}
