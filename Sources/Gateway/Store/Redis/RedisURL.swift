// Where the Redis store lives: redis://[[user]:password@]host[:port][/db], or rediss:// for TLS.
// Parsed by hand, like UpstreamURL, because the URL usually carries the store's password: no error
// message echoes any part of the text, and `redacted` (also the `description`) hides the password,
// so a typo in the config cannot put the secret in a log.

public struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    /// Lower-cased; IPv6 literals without brackets.
    public var host: String
    public var port: Int
    public var database: Int
    /// Percent-decoded; nil when the URL has none (Redis then uses "default").
    public var username: String?
    /// Percent-decoded; nil when the URL has none.
    public var password: String?
    /// rediss://
    public var tls: Bool

    public init(host: String, port: Int = 6379, database: Int = 0, username: String? = nil, password: String? = nil, tls: Bool = false) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
        self.tls = tls
    }

    public init(parsing text: String) throws(RedisURLError) {
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            throw RedisURLError("the Redis URL must not contain spaces or control characters")
        }
        guard let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") else {
            throw RedisURLError("expected a redis:// or rediss:// URL")
        }
        switch text[..<colon].lowercased() {
        case "redis": tls = false
        case "rediss": tls = true
        default: throw RedisURLError("the scheme must be redis:// or rediss://")
        }
        let rest = text[text.index(colon, offsetBy: 3)...]
        // A raw '?' or '#' in a password would otherwise silently cut it short.
        if rest.contains("?") {
            throw RedisURLError("query strings (?…) are not supported in the Redis URL; write '?' in a password as %3F")
        }
        if rest.contains("#") {
            throw RedisURLError("fragments (#…) are not supported in the Redis URL; write '#' in a password as %23")
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var hostPort = rest[..<authorityEnd]
        username = nil
        password = nil
        // The last '@' ends the userinfo, so a raw '@' in a password still parses.
        if let at = hostPort.lastIndex(of: "@") {
            let userinfo = hostPort[..<at]
            hostPort = hostPort[hostPort.index(after: at)...]
            if let separator = userinfo.firstIndex(of: ":") {
                username = try Self.percentDecoded(userinfo[..<separator], "username")
                password = try Self.percentDecoded(userinfo[userinfo.index(after: separator)...], "password")
            } else {
                username = try Self.percentDecoded(userinfo, "username")
            }
        }
        guard !hostPort.isEmpty else { throw RedisURLError("the Redis URL has no host") }

        do {
            let authority = try HostPort.authority(hostPort)
            host = authority.host
            port = authority.port ?? 6379
        } catch {
            throw RedisURLError("the Redis URL's host or port: \(error.reason)")
        }

        let path = rest[authorityEnd...].dropFirst()
        database = 0
        if !path.isEmpty {
            guard path.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(path), number < 1_000_000 else {
                throw RedisURLError("the Redis database (the path) must be a whole number from 0 to 999999")
            }
            database = number
        }
    }

    /// The URL with the password as `***`, normalised (explicit port and database), for logs.
    public var redacted: String {
        var text = tls ? "rediss://" : "redis://"
        if username != nil || password != nil {
            text += username.map(Self.percentEncoded) ?? ""
            if password != nil { text += ":***" }
            text += "@"
        }
        text += host.contains(":") ? "[\(host)]" : host
        return text + ":\(port)/\(database)"
    }

    /// Redacted, so that interpolating a RedisURL into a message cannot leak the password.
    public var description: String { redacted }

    private static func percentDecoded(_ text: Substring, _ what: String) throws(RedisURLError) -> String? {
        guard !text.isEmpty else { return nil }
        let encoded = Array(text.utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < encoded.count {
            guard encoded[index] == UInt8(ascii: "%") else {
                bytes.append(encoded[index])
                index += 1
                continue
            }
            guard index + 2 < encoded.count, let high = encoded[index + 1].hexDigitValue, let low = encoded[index + 2].hexDigitValue else {
                throw RedisURLError("the Redis \(what) has a '%' not followed by two hex digits (write '%' as %25)")
            }
            bytes.append(high << 4 | low)
            index += 3
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw RedisURLError("the Redis \(what) is not UTF-8 once percent-decoded")
        }
        return decoded
    }

    /// Keeps RFC 3986 unreserved characters, so the redacted form parses back.
    private static func percentEncoded(_ text: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Why a Redis URL was rejected, in words that never include the URL (it may hold a password).
public struct RedisURLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
