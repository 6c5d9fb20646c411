/// Why an upstream transfer produced no usable answer, and — what matters for an email-sending API —
/// whether any byte of the request may have reached the upstream.
public struct UpstreamFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Connection refused, DNS, TLS handshake, connect timeout: the request was never sent.
        case notSent
        /// The whole-transfer timeout fired after the request may have been sent.
        case timedOut
        /// Reset, truncated or empty answer after the request may have been sent.
        case brokenAfterSend
        /// The answer exceeded `upstream.max_response`.
        case responseTooLarge
        /// The gateway refused to start the transfer (engine shutting down).
        case engineStopped
    }

    public var kind: Kind
    public var detail: String
    public var duration: Duration

    /// True when a retry cannot send the request twice.
    public var nothingSent: Bool { kind == .notSent || kind == .engineStopped }

    public var description: String { "\(kind): \(detail)" }
}
