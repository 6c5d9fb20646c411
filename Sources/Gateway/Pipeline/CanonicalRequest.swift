import NIOCore

/// The resend request the upstream receives, rebuilt from the validated DTO (SPEC §4.3): the same
/// method, one path, one query parameter, a body in the upstream's format for methods that carry one.
/// Nothing of the client's own spelling survives, so no parser difference between the gateway and the
/// upstream can be exploited.
public struct CanonicalRequest: Sendable, Equatable {
    public var method: String
    public var target: String
    public var format: WireFormat
    public var body: ByteBuffer?

    public init(method: String, resend: ConnectionRequestResend, format: WireFormat, style: WireStyle) {
        self.method = method
        self.format = format
        target = "/api/connectionrequests/\(resend.connectionRequestId)/resend?ContactId=\(resend.contactId)"
        switch method {
        case "POST", "PUT", "PATCH":
            body = ByteBuffer(string: RequestBodyCodec.encode(resend, format: format, style: style))
        default:
            body = nil
        }
    }

    /// `Accept` and `Content-Type` for the upstream format.
    public var mediaType: String { format == .json ? "application/json" : "application/xml" }
}
