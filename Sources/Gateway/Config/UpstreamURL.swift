// The upstream base URL: "https://pfapi.pstpf.com.au", "http://127.0.0.1:8081/base". Only http and
// https; no userinfo (credentials belong in `upstream_authorization_*`), no query, no fragment.

public struct UpstreamURL: Sendable, Equatable, CustomStringConvertible {
    /// "http" or "https".
    public var scheme: String
    /// Lower-cased; IPv6 literals without brackets.
    public var host: String
    /// Nil when the URL gives none (the scheme's default applies).
    public var port: Int?
    /// No trailing slash; "" when the URL has no path.
    public var basePath: String

    /// The normalised URL, e.g. "https://pfapi.pstpf.com.au" or "http://[::1]:8081/base".
    public var string: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let portPart = port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(hostPart)\(portPart)\(basePath)"
    }

    public var description: String { string }

    /// The port to connect to: the explicit one, else 80 or 443.
    public var effectivePort: Int { port ?? (scheme == "https" ? 443 : 80) }

    public init(scheme: String, host: String, port: Int?, basePath: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    public init?(_ text: String) {
        guard let url = try? UpstreamURL(parsing: text) else { return nil }
        self = url
    }

    /// Parses an upstream URL; the error says what is wrong (without echoing any userinfo).
    public init(parsing text: String) throws(ConfigValueError) {
        guard let schemeEnd = text.range(of: "://") else {
            throw ConfigValueError("expected an absolute http:// or https:// URL")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw ConfigValueError("the scheme must be http or https, not \"\(scheme)\"")
        }
        let rest = text[schemeEnd.upperBound...]
        guard !rest.contains(where: { $0 == " " || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } ?? false })
        else { throw ConfigValueError("the URL must not contain spaces or control characters") }
        guard !rest.contains("?") else { throw ConfigValueError("the URL must not have a query") }
        guard !rest.contains("#") else { throw ConfigValueError("the URL must not have a fragment") }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else {
            throw ConfigValueError("the URL must not contain user:password@ (use auth.upstream_authorization_env)")
        }
        var path = String(rest[authorityEnd...])
        while path.hasSuffix("/") { path.removeLast() }

        let (host, port) = try HostPort.authority(authority)
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = path
    }
}

/// Why a configuration value could not be parsed, in words fit for a message (never the value itself
/// when it may hold a secret).
public struct ConfigValueError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
