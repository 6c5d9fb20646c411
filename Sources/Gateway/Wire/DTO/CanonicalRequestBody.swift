/// The request body the gateway forwards for POST/PUT/PATCH (SPEC §4.3): built from the two
/// validated GUIDs, never from the client's bytes. JSON as ServiceStack.Text writes it (GUIDs in `N`
/// form, member case per `json_case`); XML as DataContractSerializer writes it (declaration,
/// `xmlns:i` before the default namespace, contract order, GUIDs in lowercase `D` form).
public enum CanonicalRequestBody {
    public static func encode(connectionRequestId: GUID, contactId: GUID, format: WireFormat, style: WireStyle) -> [UInt8] {
        switch format {
        case .json: Array(json(connectionRequestId: connectionRequestId, contactId: contactId, style: style).utf8)
        case .xml: Array(xml(connectionRequestId: connectionRequestId, contactId: contactId, style: style).utf8)
        }
    }

    public static func json(connectionRequestId: GUID, contactId: GUID, style: WireStyle) -> String {
        "{" + ResponseStatusJSON.key("ConnectionRequestId", style) + ":\"" + connectionRequestId.compact + "\","
            + ResponseStatusJSON.key("ContactId", style) + ":\"" + contactId.compact + "\"}"
    }

    public static func xml(connectionRequestId: GUID, contactId: GUID, style: WireStyle) -> String {
        ResponseStatusXML.declaration
            + "<ConnectionRequestResend xmlns:i=\"\(WireStyle.instance)\" xmlns=\"\(XMLText.escapeAttribute(style.xmlNamespace))\">"
            + "<ConnectionRequestId>\(connectionRequestId)</ConnectionRequestId><ContactId>\(contactId)</ContactId>"
            + "</ConnectionRequestResend>"
    }
}
