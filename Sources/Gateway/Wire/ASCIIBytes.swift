/// Byte-level ASCII helpers for the parsers that read UTF-8 directly (query strings, paths, media
/// types, URLs): where the text is ASCII by rule, bytes are characters and no Unicode work is needed.
extension UInt8 {
    /// The value of a hexadecimal digit, either case; nil for any other byte.
    var hexDigitValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return self - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// `A`–`Z` lower-cased; every other byte as it is.
    var asciiLowercased: UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self) ? self | 0x20 : self
    }
}

extension Sequence<UInt8> {
    /// The bytes as a string with `A`–`Z` lower-cased.
    func asciiLowercasedString() -> String {
        String(decoding: map(\.asciiLowercased), as: UTF8.self)
    }
}

extension Collection<UInt8> {
    /// Equal to `lowercase`, an all-lower-case ASCII literal, ignoring the case of `A`–`Z`.
    func equalsIgnoringCase(_ lowercase: StaticString) -> Bool {
        elementsEqual(UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)) { $0.asciiLowercased == $1 }
    }

    /// Starts with `lowercase`, an all-lower-case ASCII literal, ignoring the case of `A`–`Z`.
    func startsIgnoringCase(with lowercase: StaticString) -> Bool {
        starts(with: UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)) { $0.asciiLowercased == $1 }
    }
}

extension String {
    /// Equal ignoring the case of `A`–`Z` only: header names are ASCII tokens, and this builds no
    /// lower-cased copies (header lookups run several times per request).
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        utf8.elementsEqual(other.utf8) { $0.asciiLowercased == $1.asciiLowercased }
    }
}
