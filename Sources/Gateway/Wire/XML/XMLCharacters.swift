/// The XML 1.0 (fifth edition) character classes `XMLReader` enforces: which scalars may appear in a
/// document at all (§2.2 `Char`), and which may start or continue a name (§2.3 `NameStartChar`,
/// `NameChar`). Kept apart from the parser so the ranges can be checked against the spec at a glance.
enum XMLCharacters {
    /// `Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]`
    static func isChar(_ v: UInt32) -> Bool {
        switch v {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    static func isNameStart(_ v: UInt32) -> Bool {
        switch v {
        case 0x3A, 0x41...0x5A, 0x5F, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D,
             0x37F...0x1FFF, 0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF,
             0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF:
            return true
        default:
            return false
        }
    }

    static func isNameChar(_ v: UInt32) -> Bool {
        switch v {
        case 0x2D, 0x2E, 0x30...0x39, 0xB7, 0x300...0x36F, 0x203F...0x2040: return true
        default: return isNameStart(v)
        }
    }

    /// XML's `S`: space, tab, CR, LF.
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }

    /// The first problem in a whole document: a byte that is not well-formed UTF-8, or a scalar
    /// outside `Char` (NUL, C0 controls, U+FFFE/U+FFFF).
    static func firstProblem(_ b: [UInt8]) -> (offset: Int, kind: XMLError.Kind)? {
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 {
                if c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D { return (i, .invalidCharacter) }
                i += 1
                continue
            }
            guard let (v, length) = UTF8Scalars.decode(b, at: i) else { return (i, .invalidUTF8) }
            guard isChar(v) else { return (i, .invalidCharacter) }
            i += length
        }
        return nil
    }

    /// Whether every scalar of `text` may appear in an XML 1.0 document (used before writing XML).
    static func canWrite(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { isChar($0.value) }
    }

    /// Whether `text` is an `NCName` (a name without a colon), so it can be an element's local name.
    static func isNCName(_ text: String) -> Bool {
        var first = true
        for scalar in text.unicodeScalars {
            if scalar == ":" { return false }
            guard first ? isNameStart(scalar.value) : isNameChar(scalar.value) else { return false }
            first = false
        }
        return !first
    }
}
