/// A .NET `System.Guid` as ServiceStack reads it: `D` (8-4-4-4-12), `N` (32 digits), `B` ({D}) or
/// `P` ((D)), hex digits in any case; stored and written lowercase. Anything else — padding, `X`
/// form, stray characters — is not a GUID here.
///
/// Every resend parses two, so the parse reads the bytes in place and builds the one string it keeps
/// (the `D` form) directly, with no intermediate arrays.
public struct GUID: Sendable, Hashable, CustomStringConvertible {
    /// The 128 bits, high half first: what equality and hashing use.
    private let high: UInt64
    private let low: UInt64
    /// `D` form, lowercase, built once: it keys the store and fills logs on every request.
    public let description: String

    public init?<S: StringProtocol>(_ text: S) {
        let parsed = text.utf8.withContiguousStorageIfAvailable { Self.parse($0) } ?? Array(text.utf8).withUnsafeBufferPointer { Self.parse($0) }
        guard let (high, low) = parsed else { return nil }
        self.high = high
        self.low = low
        description = Self.dForm(high, low)
    }

    public static func == (lhs: GUID, rhs: GUID) -> Bool {
        lhs.high == rhs.high && lhs.low == rhs.low
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(high)
        hasher.combine(low)
    }

    /// The all-zero GUID, which ServiceStack's `NotEmpty` validator refuses.
    public var isEmpty: Bool { high == 0 && low == 0 }

    /// `N` form: what ServiceStack.Text writes in JSON.
    public var compact: String {
        String(decoding: description.utf8.lazy.filter { $0 != UInt8(ascii: "-") }, as: UTF8.self)
    }

    /// The 32 digits of any accepted form, or nil.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        let body: UnsafeBufferPointer<UInt8>
        let dashes: Bool
        switch bytes.count {
        case 32:
            (body, dashes) = (bytes, false)
        case 36:
            (body, dashes) = (bytes, true)
        case 38:
            let (open, close) = (bytes[0], bytes[37])
            guard (open == UInt8(ascii: "{") && close == UInt8(ascii: "}")) || (open == UInt8(ascii: "(") && close == UInt8(ascii: ")")) else { return nil }
            (body, dashes) = (UnsafeBufferPointer(rebasing: bytes[1..<37]), true)
        default:
            return nil
        }
        var value: (high: UInt64, low: UInt64) = (0, 0)
        var digits = 0
        for (offset, byte) in body.enumerated() {
            if dashes && (offset == 8 || offset == 13 || offset == 18 || offset == 23) {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = byte.hexDigitValue else { return nil }
            if digits < 16 {
                value.high = value.high << 4 | UInt64(nibble)
            } else {
                value.low = value.low << 4 | UInt64(nibble)
            }
            digits += 1
        }
        return value
    }

    private static func dForm(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { out in
            var index = 0
            for digit in 0..<32 {
                if digit == 8 || digit == 12 || digit == 16 || digit == 20 {
                    out[index] = UInt8(ascii: "-")
                    index += 1
                }
                let half = digit < 16 ? high : low
                let nibble = UInt8(truncatingIfNeeded: half >> UInt64(60 - 4 * (digit % 16)) & 0xF)
                out[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
                index += 1
            }
            return index
        }
    }
}
