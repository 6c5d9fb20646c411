#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A listen address "HOST:PORT": "0.0.0.0:8080", "[::1]:8080", "localhost:0". IPv6 literals need
// brackets; the port is 0...65535 (0 = pick a free port).

public struct HostPort: Sendable, Equatable, CustomStringConvertible {
    /// The host without brackets ("::1", "0.0.0.0", "localhost").
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Same as `init?(_:)`.
    public init?(parsing text: String) { self.init(text) }

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let hostPart = text[..<colon]
        let portPart = text[text.index(after: colon)...]
        guard !portPart.isEmpty, portPart.count <= 5,
              portPart.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portPart), (0...65535).contains(port)
        else { return nil }
        if hostPart.hasPrefix("[") {
            guard hostPart.hasSuffix("]"), hostPart.count > 2 else { return nil }
            let inner = String(hostPart.dropFirst().dropLast())
            guard IPLiteral.bytes(of: inner)?.count == 16 else { return nil }
            self.init(host: inner, port: port)
        } else {
            guard HostPort.isHostName(hostPart) else { return nil }
            self.init(host: String(hostPart), port: port)
        }
    }

    /// The host and port of a URL's authority — `host`, `host:port`, `[v6]`, `[v6]:port` — for the
    /// upstream and Redis URLs alike; the port is 1...65535, nil when absent. Host names are lowercased.
    static func authority(_ text: Substring) throws(ConfigValueError) -> (host: String, port: Int?) {
        var portText: Substring?
        let host: String
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw ConfigValueError("unclosed [ in the host") }
            host = String(text[text.index(after: text.startIndex)..<close])
            guard IPLiteral.bytes(of: host)?.count == 16 else { throw ConfigValueError("invalid IPv6 address") }
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw ConfigValueError("unexpected text after the host") }
                portText = after.dropFirst()
            }
        } else {
            let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw ConfigValueError("IPv6 addresses need brackets") }
            host = pieces[0].lowercased()
            guard !host.isEmpty else { throw ConfigValueError("no host") }
            guard HostPort.isHostName(Substring(host)) else { throw ConfigValueError("invalid host name") }
            if pieces.count == 2 { portText = pieces[1] }
        }
        guard let portText else { return (host, nil) }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), (1...65535).contains(port)
        else { throw ConfigValueError("the port must be 1...65535") }
        return (host, port)
    }

    /// A DNS name or dotted IPv4 address: letters, digits, '-' and '.', no empty label.
    static func isHostName(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        if labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) {
            return IPLiteral.bytes(of: String(text))?.count == 4
        }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// Textual IP addresses to bytes, via inet_pton.
enum IPLiteral {
    /// 4 bytes for IPv4, 16 for IPv6, nil if `text` is neither.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// The textual form of 4 or 16 address bytes.
    static func string(of bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
