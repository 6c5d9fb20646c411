/// A .NET `System.Guid` as ServiceStack reads it: `D` (8-4-4-4-12), `N` (32 digits), `B` ({D}) or
/// `P` ((D)), hex digits in any case; stored and written lowercase. Anything else — padding, `X`
/// form, stray characters — is not a GUID here.
public struct GUID: Sendable, Hashable, CustomStringConvertible {
    /// 32 lowercase hex digits.
    private let digits: String
    /// `D` form, built once: it keys the store and fills logs on every request.
    public let description: String

    public init?<S: StringProtocol>(_ text: S) {
        let utf8 = Array(text.utf8)
        let body: ArraySlice<UInt8>
        switch utf8.count {
        case 32:
            guard let digits = Self.hexDigits(utf8[...], dashes: false) else { return nil }
            self.digits = digits
            description = Self.dForm(digits)
            return
        case 36:
            body = utf8[...]
        case 38:
            let (open, close) = (utf8[0], utf8[37])
            guard (open == UInt8(ascii: "{") && close == UInt8(ascii: "}")) || (open == UInt8(ascii: "(") && close == UInt8(ascii: ")")) else { return nil }
            body = utf8[1..<37]
        default:
            return nil
        }
        guard let digits = Self.hexDigits(body, dashes: true) else { return nil }
        self.digits = digits
        description = Self.dForm(digits)
    }

    /// The all-zero GUID, which ServiceStack's `NotEmpty` validator refuses.
    public var isEmpty: Bool { digits.utf8.allSatisfy { $0 == UInt8(ascii: "0") } }

    /// `D` form, lowercase: what the gateway forwards and writes in XML.
    private static func dForm(_ digits: String) -> String {
        var bytes = Array(digits.utf8)
        for position in [20, 16, 12, 8] { bytes.insert(UInt8(ascii: "-"), at: position) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `N` form: what ServiceStack.Text writes in JSON.
    public var compact: String { digits }

    private static let dashPositions: Set<Int> = [8, 13, 18, 23]

    private static func hexDigits(_ bytes: ArraySlice<UInt8>, dashes: Bool) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for (offset, byte) in bytes.enumerated() {
            if dashes && dashPositions.contains(offset) {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): out.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): out.append(byte + 32)
            default: return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
