import HTTPTypes
import NIOCore

/// A client request as the gateway received it, body already read within `server.max_body`.
public struct GatewayRequest: Sendable {
    public var method: String
    /// The raw request target, path and query, exactly as sent.
    public var target: String {
        didSet { questionMark = Self.questionMark(in: target) }
    }
    /// Where the query begins: found once, since every plugin reads the path or the query.
    private var questionMark: String.Index?
    public var headers: HTTPFields
    public var body: ByteBuffer
    /// The peer's IP address (no port), if the connection has one.
    public var remoteAddress: String?

    public init(method: String, target: String, headers: HTTPFields, body: ByteBuffer, remoteAddress: String?) {
        self.method = method
        self.target = target
        self.questionMark = Self.questionMark(in: target)
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The raw path, before any `?`.
    public var path: Substring {
        questionMark.map { target[..<$0] } ?? Substring(target)
    }

    /// The raw query after the first `?`, nil when there is none.
    public var query: Substring? {
        questionMark.map { target[target.utf8.index(after: $0)...] }
    }

    private static func questionMark(in target: String) -> String.Index? {
        target.utf8.firstIndex(of: UInt8(ascii: "?"))
    }

    /// The first value of a field. By `HTTPField.Name` (static names for those the gateway reads), not
    /// by string: a string name is validated and lower-cased again on every call.
    public func header(_ name: HTTPField.Name) -> String? {
        headers[name]
    }
}

extension FormatNegotiation {
    /// The format for a request as it arrived.
    public static func negotiate(_ request: GatewayRequest, route: ResendRoute?, defaultFormat: WireFormat) -> WireFormat {
        negotiate(route: route, query: request.query, accept: request.header(.accept), contentType: request.header(.contentType), defaultFormat: defaultFormat)
    }
}
