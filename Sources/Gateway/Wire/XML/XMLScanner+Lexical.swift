/// The small lexical pieces of `XMLReader`: names, attribute values, entity and character
/// references (only the five predefined entities exist), comments, CDATA, processing instructions
/// and the XML declaration.
extension XMLScanner {
    /// A `Name` (§2.3) at `i`; returns its byte range.
    mutating func name() throws(XMLError) -> Range<Int> {
        let start = i
        while i < b.count {
            let c = b[i]
            if c < 0x80 {
                // ASCII fast path: letters, '_' and ':' anywhere; digits, '-' and '.' after the first.
                let letter = (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z")
                let later = (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
                guard letter || c == UInt8(ascii: "_") || c == UInt8(ascii: ":") || (later && i > start) else { break }
                i += 1
                continue
            }
            guard let (v, length) = UTF8Scalars.decode(b, at: i) else { break }
            let ok = i == start ? XMLCharacters.isNameStart(v) : XMLCharacters.isNameChar(v)
            guard ok else { break }
            i += length
        }
        guard i > start else { throw XMLError(i < b.count ? .malformed : .unexpectedEnd, at: start, "expected a name") }
        return start..<i
    }

    /// A quoted attribute value, references expanded and whitespace normalised (§3.3.3).
    mutating func attributeValue() throws(XMLError) -> String {
        guard i < b.count, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") else {
            throw XMLError(i < b.count ? .malformed : .unexpectedEnd, at: i, "expected a quoted value")
        }
        let quote = b[i]
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < b.count else { throw XMLError(.unexpectedEnd, at: i, "unclosed attribute value") }
            let c = b[i]
            switch c {
            case quote:
                i += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "<"):
                throw XMLError(.malformed, at: i, "'<' in an attribute value")
            case UInt8(ascii: "&"):
                try reference(into: &out)
            case 0x0D:
                out.append(0x20)
                i += (i + 1 < b.count && b[i + 1] == 0x0A) ? 2 : 1
            case 0x09, 0x0A:
                out.append(0x20)
                i += 1
            default:
                out.append(c)
                i += 1
            }
        }
    }

    /// `&lt;` `&gt;` `&amp;` `&apos;` `&quot;`, `&#NNN;` and `&#xHHH;`. Anything else is refused.
    mutating func reference(into out: inout [UInt8]) throws(XMLError) {
        let start = i
        i += 1
        if i < b.count && b[i] == UInt8(ascii: "#") {
            i += 1
            let hex = i < b.count && b[i] == UInt8(ascii: "x")
            if hex { i += 1 }
            var value: UInt32 = 0
            var digits = 0
            while i < b.count, let d = digit(b[i], hex: hex) {
                value = value * (hex ? 16 : 10) + d
                digits += 1
                i += 1
                guard value <= 0x10FFFF else { throw XMLError(.invalidCharacter, at: start, "character reference out of range") }
            }
            guard digits > 0, i < b.count, b[i] == UInt8(ascii: ";") else {
                throw XMLError(.malformed, at: start, "bad character reference")
            }
            i += 1
            guard XMLCharacters.isChar(value) else {
                throw XMLError(.invalidCharacter, at: start, "character reference to a character XML 1.0 does not allow")
            }
            UTF8Scalars.append(value, to: &out)
            return
        }
        let entity = try name()
        guard i < b.count, b[i] == UInt8(ascii: ";") else { throw XMLError(.malformed, at: start, "unterminated reference") }
        i += 1
        switch text(entity) {
        case "lt": out.append(UInt8(ascii: "<"))
        case "gt": out.append(UInt8(ascii: ">"))
        case "amp": out.append(UInt8(ascii: "&"))
        case "apos": out.append(UInt8(ascii: "'"))
        case "quot": out.append(UInt8(ascii: "\""))
        default: throw XMLError(.undefinedEntity, at: start, "&\(text(entity));")
        }
    }

    private func digit(_ c: UInt8, hex: Bool) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where hex: return UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where hex: return UInt32(c - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// `<!-- … -->`; `--` may not occur inside (§2.5).
    mutating func comment() throws(XMLError) {
        let start = i
        i += 4
        while i + 1 < b.count {
            if b[i] == UInt8(ascii: "-") && b[i + 1] == UInt8(ascii: "-") {
                guard i + 2 < b.count, b[i + 2] == UInt8(ascii: ">") else {
                    throw XMLError(i + 2 < b.count ? .malformed : .unexpectedEnd, at: i, "'--' inside a comment")
                }
                i += 3
                return
            }
            i += 1
        }
        throw XMLError(.unexpectedEnd, at: start, "unclosed comment")
    }

    /// `<![CDATA[ … ]]>`: the content is character data, line ends normalised.
    mutating func cdata(into out: inout [UInt8]) throws(XMLError) {
        let start = i
        i += 9
        while i < b.count {
            if at("]]>") {
                i += 3
                return
            }
            if b[i] == 0x0D {
                out.append(0x0A)
                i += (i + 1 < b.count && b[i + 1] == 0x0A) ? 2 : 1
            } else {
                out.append(b[i])
                i += 1
            }
        }
        throw XMLError(.unexpectedEnd, at: start, "unclosed CDATA section")
    }

    /// `<?target … ?>`, skipped; the target `xml` is reserved for the declaration at the very start.
    mutating func processingInstruction() throws(XMLError) {
        let start = i
        i += 2
        let target = try name()
        guard text(target).lowercased() != "xml" else { throw XMLError(.malformed, at: start, "XML declaration not at the start") }
        if at("?>") {
            i += 2
            return
        }
        guard skipSpace() else { throw XMLError(.malformed, at: i, "bad processing instruction") }
        while i < b.count {
            if at("?>") {
                i += 2
                return
            }
            i += 1
        }
        throw XMLError(.unexpectedEnd, at: start, "unclosed processing instruction")
    }

    /// `<?xml version="1.x" encoding="UTF-8"? standalone="yes|no"? ?>` (§2.8); only UTF-8 is read.
    mutating func declaration() throws(XMLError) {
        i += 5
        _ = skipSpace()
        guard at("version") else { throw XMLError(.malformed, at: i, "the declaration needs a version") }
        i += 7
        let version = try declarationValue()
        guard version.hasPrefix("1."), version.count > 2, version.dropFirst(2).allSatisfy(\.isASCII), version.dropFirst(2).allSatisfy(\.isNumber) else {
            throw XMLError(.malformed, at: i, "unsupported XML version '\(version)'")
        }
        var spaced = skipSpace()
        if spaced && at("encoding") {
            i += 8
            let encoding = try declarationValue()
            guard ["utf-8", "utf8"].contains(encoding.lowercased()) else {
                throw XMLError(.unsupportedEncoding, at: i, "encoding '\(encoding)'; only UTF-8 is accepted")
            }
            spaced = skipSpace()
        }
        if spaced && at("standalone") {
            i += 10
            let standalone = try declarationValue()
            guard standalone == "yes" || standalone == "no" else { throw XMLError(.malformed, at: i, "bad standalone value") }
            _ = skipSpace()
        }
        guard at("?>") else { throw XMLError(i < b.count ? .malformed : .unexpectedEnd, at: i, "bad XML declaration") }
        i += 2
    }

    private mutating func declarationValue() throws(XMLError) -> String {
        _ = skipSpace()
        try expect("=")
        _ = skipSpace()
        guard i < b.count, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") else {
            throw XMLError(i < b.count ? .malformed : .unexpectedEnd, at: i, "expected a quoted value")
        }
        let quote = b[i]
        i += 1
        let start = i
        while i < b.count && b[i] != quote {
            guard b[i] != UInt8(ascii: "<") && b[i] != UInt8(ascii: "&") else { throw XMLError(.malformed, at: i, "bad declaration value") }
            i += 1
        }
        guard i < b.count else { throw XMLError(.unexpectedEnd, at: start, "unclosed declaration value") }
        let value = text(start..<i)
        i += 1
        return value
    }
}
