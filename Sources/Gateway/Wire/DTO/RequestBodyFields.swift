/// Reads the `ConnectionRequestResend` members out of a JSON or XML request body as raw strings;
/// GUID parsing and the error messages about bad values belong to the caller (SPEC §4.3).
///
/// JSON (ServiceStack.Text): members matched case-insensitively (duplicates, even by case, are
/// refused by `JSONReader`); `null` = absent; a non-string value is kept as its compact JSON text
/// (numbers verbatim) so it can be reported as "'…' is an Invalid value"; other members ignored.
/// XML (DataContractSerializer): the root must be `ConnectionRequestResend` in the configured
/// data-contract namespace and the members in that namespace; `i:nil="true"` = absent; a member
/// given twice is refused; surrounding XML whitespace is trimmed (as `XmlConverter.ToGuid` does);
/// other elements are ignored. Members are accepted in either order (stricter DCS would skip an
/// out-of-order one, but the gateway forwards a canonical body, so the upstream sees what was checked).
public struct RequestBodyFields: Sendable, Equatable {
    public var connectionRequestId: String?
    public var contactId: String?

    public init(connectionRequestId: String? = nil, contactId: String? = nil) {
        self.connectionRequestId = connectionRequestId
        self.contactId = contactId
    }

    public static func decode(_ body: [UInt8], format: WireFormat, style: WireStyle, maxBytes: Int = 1 << 20) throws(DTOError) -> RequestBodyFields {
        switch format {
        case .json: try decodeJSON(body, maxBytes: maxBytes)
        case .xml: try decodeXML(body, style: style, maxBytes: maxBytes)
        }
    }

    public static func decodeJSON(_ body: [UInt8], maxBytes: Int = 1 << 20) throws(DTOError) -> RequestBodyFields {
        let root: JSONValue
        do {
            root = try JSONReader.parse(body, limits: JSONLimits(maxBytes: maxBytes))
        } catch {
            throw DTOError(.malformedJSON, error.description)
        }
        guard case .object = root else { throw DTOError(.notAnObject, "the body is not a JSON object") }
        return RequestBodyFields(connectionRequestId: raw(root.member("ConnectionRequestId")), contactId: raw(root.member("ContactId")))
    }

    private static func raw(_ value: JSONValue?) -> String? {
        switch value {
        case nil, .null?: nil
        case .string(let text)?: text
        case let other?: other.serialized
        }
    }

    public static func decodeXML(_ body: [UInt8], style: WireStyle, maxBytes: Int = 1 << 20) throws(DTOError) -> RequestBodyFields {
        let root: XMLElement
        do {
            root = try XMLReader.parse(body, limits: XMLLimits(maxBytes: maxBytes))
        } catch {
            throw DTOError(.malformedXML, error.description)
        }
        guard root.name == "ConnectionRequestResend", root.namespace == style.xmlNamespace else {
            throw DTOError(.wrongRoot, "root <\(root.name)> in namespace '\(root.namespace ?? "")'")
        }
        guard root.textIsBlank else { throw DTOError(.unexpectedContent, "text inside <ConnectionRequestResend>") }
        var fields = RequestBodyFields()
        var seen: Set<String> = []
        for member in root.children where member.namespace == style.xmlNamespace {
            guard member.name == "ConnectionRequestId" || member.name == "ContactId" else { continue }
            guard seen.insert(member.name).inserted else { throw DTOError(.repeatedMember, "<\(member.name)> given twice") }
            guard member.children.isEmpty else { throw DTOError(.unexpectedContent, "<\(member.name)> has child elements") }
            let value = DataContractXML.isNil(member) ? nil : DataContractXML.trimmed(member.text)
            if member.name == "ConnectionRequestId" { fields.connectionRequestId = value } else { fields.contactId = value }
        }
        return fields
    }
}
