import NIOCore

/// A complete upstream answer, read to its end.
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var headers: [HeaderLine]
    public var body: ByteBuffer
    /// New connections libcurl opened for this transfer: 0 means a pooled connection was reused.
    public var connectionsOpened: Int
    /// From handing the transfer to libcurl to its last byte.
    public var duration: Duration

    public func header(_ name: String) -> String? {
        headers.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }
}
