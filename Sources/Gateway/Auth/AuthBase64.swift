import Foundation

// Strict base64 decoding for credentials: `Basic` values (standard alphabet, padding optional) and
// JWT segments (base64url, no padding). Anything outside the alphabet makes the credential
// malformed: it is refused, never skipped over or guessed at.

enum AuthBase64 {
    static func decode(_ text: Substring, urlSafe: Bool) -> [UInt8]? {
        var body = Array(text.utf8)
        if !urlSafe {
            // Padding is optional, but only at the end and only as much as is needed.
            var padding = 0
            while body.last == UInt8(ascii: "=") { body.removeLast(); padding += 1 }
            guard padding <= 2, padding == 0 || (body.count + padding) % 4 == 0 else { return nil }
        }
        guard body.count % 4 != 1 else { return nil }
        for index in body.indices {
            switch body[index] {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            case UInt8(ascii: "+"), UInt8(ascii: "/"):
                guard !urlSafe else { return nil }
            case UInt8(ascii: "-"):
                guard urlSafe else { return nil }
                body[index] = UInt8(ascii: "+")
            case UInt8(ascii: "_"):
                guard urlSafe else { return nil }
                body[index] = UInt8(ascii: "/")
            default:
                return nil
            }
        }
        while body.count % 4 != 0 { body.append(UInt8(ascii: "=")) }
        guard let data = Data(base64Encoded: Data(body)) else { return nil }
        return Array(data)
    }
}
