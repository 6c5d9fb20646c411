// An IPv4 or IPv6 network ("10.0.0.0/8", "::1/128"); a bare address means /32 or /128. Used for
// `server.trusted_proxies`. Host bits below the prefix are ignored ("10.1.2.3/8" is 10.0.0.0/8).

public struct CIDR: Sendable, Equatable, CustomStringConvertible {
    /// The network address, 4 or 16 bytes, host bits zeroed.
    public let network: [UInt8]
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = IPLiteral.bytes(of: String(parts[0])) else { return nil }
        let maxPrefix = bytes.count * 8
        var prefix = maxPrefix
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3,
                  parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(parts[1]), value <= maxPrefix
            else { return nil }
            prefix = value
        }
        self.network = CIDR.masked(bytes, prefix: prefix)
        self.prefixLength = prefix
    }

    /// Whether `address` (textual IPv4 or IPv6, brackets and a `%zone` tolerated) is inside this
    /// network. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) matches IPv4 networks.
    public func contains(_ address: String) -> Bool {
        var text = Substring(address)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        guard var bytes = IPLiteral.bytes(of: String(text)) else { return false }
        if network.count == 4, bytes.count == 16,
           bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == network.count else { return false }
        return CIDR.masked(bytes, prefix: prefixLength) == network
    }

    public var description: String { "\(IPLiteral.string(of: network))/\(prefixLength)" }

    private static func masked(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bitsKept = min(max(prefix - index * 8, 0), 8)
            return bitsKept == 8 ? byte : byte & ~(UInt8(0xff) >> bitsKept)
        }
    }
}
