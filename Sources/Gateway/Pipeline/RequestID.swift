import Foundation
import HTTPTypes

/// Sees every response after it is made, with when its request arrived and how long it took.
public typealias ExchangeObserver = @Sendable (GatewayResponse, Date, Duration) -> Void

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-Id")!
    static let xHTTPMethodOverride = HTTPField.Name("X-Http-Method-Override")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let xForwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}

/// `X-Request-Id`: the client's when it is a plain token (SPEC §4.3), otherwise a fresh random one.
enum RequestID {
    static func accept(_ given: String?) -> String {
        if let given, (1...64).contains(given.utf8.count), given.utf8.allSatisfy(isAllowed) { return given }
        return generate()
    }

    /// 128 random bits as 32 lower-case hex digits.
    static func generate() -> String {
        let (high, low) = RandomPool.shared.next()
        return String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for index in 0..<32 {
                let word = index < 16 ? high : low
                let shift = UInt64(60 - (index % 16) * 4)
                buffer[index] = digits.utf8Start[Int((word >> shift) & 0xF)]
            }
            return 32
        }
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
