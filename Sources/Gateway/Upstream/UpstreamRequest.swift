import NIOCore

/// One HTTP request for the upstream, fully built: the engine sends exactly this, once.
public struct UpstreamRequest: Sendable {
    public var method: String
    /// Absolute URL, scheme to query.
    public var url: String
    /// Header lines to send, already filtered of hop-by-hop headers; order kept.
    public var headers: [HeaderLine]
    /// nil sends no body; an empty buffer sends `Content-Length: 0`.
    public var body: ByteBuffer?
    /// Open a new connection instead of reusing a pooled one (used for the single pre-send retry).
    public var freshConnection: Bool = false

    public init(method: String, url: String, headers: [HeaderLine], body: ByteBuffer?) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A header as it travels on the wire; names keep the case they were given.
public struct HeaderLine: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
