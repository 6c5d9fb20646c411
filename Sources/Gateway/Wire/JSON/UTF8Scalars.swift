/// Strict UTF-8 decoding shared by `JSONReader` and `XMLReader`. Both readers take raw request and
/// response bytes, so they check well-formedness themselves instead of trusting `String(decoding:)`,
/// which silently repairs bad input with U+FFFD: overlong forms, encoded surrogates, truncated
/// sequences and values above U+10FFFF are all refused here (Unicode 15, table 3-7).
enum UTF8Scalars {
    /// The scalar that starts at `i`, and how many bytes it takes; nil when the bytes there are not
    /// well-formed UTF-8. `i` must be a valid index.
    static func decode(_ b: [UInt8], at i: Int) -> (value: UInt32, length: Int)? {
        let b0 = b[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        let n = b.count
        func continuation(_ j: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> UInt32? {
            j < n && b[j] >= low && b[j] <= high ? UInt32(b[j] & 0x3F) : nil
        }
        switch b0 {
        case 0xC2...0xDF:
            guard let c1 = continuation(i + 1) else { return nil }
            return ((UInt32(b0 & 0x1F) << 6) | c1, 2)
        case 0xE0...0xEF:
            let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF
            guard let c1 = continuation(i + 1, low, high), let c2 = continuation(i + 2) else { return nil }
            return ((UInt32(b0 & 0x0F) << 12) | (c1 << 6) | c2, 3)
        case 0xF0...0xF4:
            let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
            guard let c1 = continuation(i + 1, low, high), let c2 = continuation(i + 2), let c3 = continuation(i + 3) else { return nil }
            return ((UInt32(b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4)
        default:
            return nil
        }
    }

    /// Offset of the first byte that does not start a well-formed sequence, or nil if all is valid.
    static func firstInvalid(_ b: [UInt8]) -> Int? {
        var i = 0
        while i < b.count {
            if b[i] < 0x80 { i += 1; continue }
            guard let (_, length) = decode(b, at: i) else { return i }
            i += length
        }
        return nil
    }

    /// Appends the UTF-8 encoding of a scalar value the caller has already checked.
    static func append(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | ((v >> 18) & 0x07)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
