/// The validated request DTO (both GUIDs parsed and normalised), and `RequestBodyCodec`, the names
/// the binder and `CanonicalRequest` use: thin adapters over `RequestBodyFields` (reading a client's
/// body) and `CanonicalRequestBody` (writing the upstream's body), so the pipeline has one place to
/// call for each direction.
public struct ConnectionRequestResend: Sendable, Hashable {
    public var connectionRequestId: GUID
    public var contactId: GUID

    public init(connectionRequestId: GUID, contactId: GUID) {
        self.connectionRequestId = connectionRequestId
        self.contactId = contactId
    }
}

public enum RequestBodyCodec {
    /// The raw members of a JSON or XML request body; throws `DTOError` for a malformed body, a
    /// DTD, duplicate keys, or the wrong XML root or namespace (all `SerializationException`).
    public static func decode(_ bytes: [UInt8], format: WireFormat, xmlNamespace: String, maxBytes: Int = 1 << 20) throws(DTOError) -> RequestBodyFields {
        try RequestBodyFields.decode(bytes, format: format, style: WireStyle(xmlNamespace: xmlNamespace), maxBytes: maxBytes)
    }

    /// The canonical body for the upstream, as text.
    public static func encode(_ resend: ConnectionRequestResend, format: WireFormat, style: WireStyle) -> String {
        switch format {
        case .json: CanonicalRequestBody.json(connectionRequestId: resend.connectionRequestId, contactId: resend.contactId, style: style)
        case .xml: CanonicalRequestBody.xml(connectionRequestId: resend.connectionRequestId, contactId: resend.contactId, style: style)
        }
    }
}
