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
