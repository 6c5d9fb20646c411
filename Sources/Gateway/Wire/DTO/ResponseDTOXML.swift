/// DataContractSerializer-shaped XML for `ResponseDTO`. Reading: the root is `ErrorResponse` in the
/// ServiceStack types namespace, or any root in the configured data-contract namespace (the typed
/// response); `ResponseStatus` members are in the types namespace, `Meta` entries are
/// `KeyValueOfstringstring` in the Arrays namespace; `i:nil` is null; whitespace between elements is
/// ignored; members may come in any order but not twice. Writing reuses `ResponseStatusXML` (byte-
/// exact prefixes and `i:nil`) and appends kept unknown members (rule in `ResponseDTO.swift`).
/// Anything not shaped like the DTO (a nil `Meta` value, text mixed between members, …) decodes to
/// nil, and the caller relays the body unchanged.
public enum ResponseDTOXML {
    public static func decode(_ body: [UInt8], style: WireStyle, limits: XMLLimits = XMLLimits()) -> ResponseDTO? {
        guard let root = try? XMLReader.parse(body, limits: limits), root.textIsBlank else { return nil }
        let envelope: ErrorEnvelope
        if root.name == "ErrorResponse" && root.namespace == WireStyle.servicestackTypes {
            envelope = .errorResponse
        } else if root.namespace == style.xmlNamespace {
            envelope = .typed(root.name)
        } else {
            return nil
        }
        var dto = ResponseDTO(envelope: envelope, responseStatus: nil)
        var sawStatus = false
        do {
            for member in root.children where member.namespace == root.namespace {
                if member.name == "ResponseStatus" {
                    guard !sawStatus else { return nil }
                    sawStatus = true
                    dto.responseStatus = try status(member)
                } else if member.children.isEmpty {
                    dto.keep(name: member.name, value: DataContractXML.isNil(member) ? .null : .string(member.text))
                }
            }
        } catch {
            return nil
        }
        return dto
    }

    public static func encode(_ dto: ResponseDTO, style: WireStyle) -> String {
        let document = ResponseStatusXML.render(dto.responseStatus, envelope: dto.envelope, style: style)
        let root = switch dto.envelope {
        case .typed(let name): name
        case .errorResponse: "ErrorResponse"
        }
        let closing = "</\(root)>"
        guard !dto.extraMembers.isEmpty, document.hasSuffix(closing) else { return document }
        var extras = ""
        for member in dto.extraMembers {
            switch member.value {
            case .string(let text), .number(let text): extras += "<\(member.name)>\(XMLText.escapeText(text))</\(member.name)>"
            case .bool(let flag): extras += "<\(member.name)>\(flag)</\(member.name)>"
            case .null: extras += "<\(member.name) i:nil=\"true\" />"
            }
        }
        return String(document.dropLast(closing.count)) + extras + closing
    }

    private struct NotTheDTO: Error {}
    private static let types = WireStyle.servicestackTypes

    private static func status(_ element: XMLElement) throws(NotTheDTO) -> ResponseStatus? {
        if DataContractXML.isNil(element) { return nil }
        var status = ResponseStatus(errorCode: nil, message: nil)
        var members = try members(of: element, namespace: types, known: ["ErrorCode", "Message", "StackTrace", "Errors", "Meta"])
        status.errorCode = try text(members["ErrorCode"])
        status.message = try text(members["Message"])
        status.stackTrace = try text(members["StackTrace"])
        status.meta = try dictionary(members["Meta"])
        if let errors = members.removeValue(forKey: "Errors"), !DataContractXML.isNil(errors) {
            guard errors.textIsBlank else { throw NotTheDTO() }
            for item in errors.children {
                guard item.name == "ResponseError", item.namespace == types, !DataContractXML.isNil(item) else { throw NotTheDTO() }
                let fields = try self.members(of: item, namespace: types, known: ["ErrorCode", "FieldName", "Message", "Meta"])
                status.errors.append(ResponseError(
                    errorCode: try text(fields["ErrorCode"]), fieldName: try text(fields["FieldName"]),
                    message: try text(fields["Message"]), meta: try dictionary(fields["Meta"])))
            }
        }
        return status
    }

    /// The known members of a data-contract element by name; unknown ones dropped, repeats refused.
    private static func members(of element: XMLElement, namespace: String, known: Set<String>) throws(NotTheDTO) -> [String: XMLElement] {
        guard element.textIsBlank else { throw NotTheDTO() }
        var found: [String: XMLElement] = [:]
        for child in element.children where child.namespace == namespace && known.contains(child.name) {
            guard found.updateValue(child, forKey: child.name) == nil else { throw NotTheDTO() }
        }
        return found
    }

    private static func text(_ element: XMLElement?) throws(NotTheDTO) -> String? {
        guard let element, !DataContractXML.isNil(element) else { return nil }
        guard element.children.isEmpty else { throw NotTheDTO() }
        return element.text
    }

    private static func dictionary(_ element: XMLElement?) throws(NotTheDTO) -> [(key: String, value: String)]? {
        guard let element, !DataContractXML.isNil(element) else { return nil }
        guard element.textIsBlank else { throw NotTheDTO() }
        var entries: [(key: String, value: String)] = []
        for entry in element.children {
            guard entry.name == "KeyValueOfstringstring", entry.namespace == WireStyle.arrays else { throw NotTheDTO() }
            let pair = try members(of: entry, namespace: WireStyle.arrays, known: ["Key", "Value"])
            guard let key = try text(pair["Key"]), let value = try text(pair["Value"]) else { throw NotTheDTO() }
            guard !entries.contains(where: { $0.key == key }) else { throw NotTheDTO() }
            entries.append((key, value))
        }
        return entries
    }
}
