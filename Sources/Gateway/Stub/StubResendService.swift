import Foundation

/// The stand-in's `ConnectionRequestResend` service: binds the DTO as ServiceStack does (body, then
/// path, then query, then form — the last writer wins; predefined routes: body, then query for empty
/// members), answers binding errors with `ErrorResponse`/`SerializationException`, missing or empty
/// GUIDs with the typed `NotEmpty` validation error, and success with the empty typed response.
struct StubResendService {
    struct Input {
        var method: String
        var route: ResendRoute
        var query: Substring?
        var contentType: String?
        var accept: String?
        var body: [UInt8]
    }

    struct Answer {
        var status: Int
        var reason: String
        var format: WireFormat
        var body: String
        /// The bound DTO when the call is valid: the service "sends" the invitation.
        var invitation: (connectionRequestId: GUID, contactId: GUID)?
    }

    let formats: StubOptions.Formats
    let style: WireStyle

    func handle(_ input: Input) -> Answer {
        let format = responseFormat(input)
        let bodyType = input.contentType.map { FormatNegotiation.mediaType(Substring($0)) }
        if let bodyType, !input.body.isEmpty, !accepts(bodyType, predefined: input.route.predefinedFormat) {
            return error(415, "Unsupported Media Type", format, ResponseStatus(errorCode: "NotSupportedException", message: "Content-Type \(bodyType) is not supported"), .errorResponse)
        }
        var values: [String: (key: String, value: String)] = [:]
        var bodyValues: [String: String] = [:]
        switch bodyFormat(bodyType, predefined: input.route.predefinedFormat) {
        case .some(.json) where !input.body.isEmpty:
            guard let object = (try? JSONSerialization.jsonObject(with: Data(input.body))) as? [String: Any] else {
                return error(400, "Bad Request", format, ResponseStatus(errorCode: "SerializationException", message: "Could not deserialize 'application/json' request"), .errorResponse)
            }
            for (key, value) in object { bodyValues[key.lowercased()] = value as? String }
        case .some(.xml) where !input.body.isEmpty:
            guard let members = Self.xmlMembers(input.body) else {
                return error(400, "Bad Request", format, ResponseStatus(errorCode: "SerializationException", message: "Could not deserialize 'application/xml' request"), .errorResponse)
            }
            bodyValues = members
        default:
            break
        }
        // ServiceStack silently ignores a bad GUID in a JSON or XML body member: it stays empty.
        var connectionRequestId = bodyValues["connectionrequestid"].flatMap { GUID($0) }
        var contactId = bodyValues["contactid"].flatMap { GUID($0) }
        if let id = input.route.pathId { values["connectionrequestid"] = ("ConnectionRequestId", id) }
        let isPredefined = input.route.predefinedFormat != nil
        for (name, value) in QueryString.pairs(input.query) where !value.isEmpty {
            let key = name.lowercased()
            guard key == "connectionrequestid" || key == "contactid" else { continue }
            if isPredefined, (key == "connectionrequestid" ? connectionRequestId : contactId) != nil { continue }
            values[key] = (name, values[key].map { $0.value + "," + value } ?? value)
        }
        if bodyType == "application/x-www-form-urlencoded", ["POST", "PUT", "PATCH", "DELETE"].contains(input.method) {
            for (name, value) in QueryString.pairs(Substring(String(decoding: input.body, as: UTF8.self))) where !value.isEmpty {
                let key = name.lowercased()
                if key == "connectionrequestid" || key == "contactid" { values[key] = (name, value) }
            }
        }
        var bindingErrors: [ResponseError] = []
        for (key, property) in [("connectionrequestid", "ConnectionRequestId"), ("contactid", "ContactId")] {
            guard let given = values[key] else { continue }
            if let guid = GUID(given.value) {
                if key == "connectionrequestid" { connectionRequestId = guid } else { contactId = guid }
            } else {
                bindingErrors.append(ResponseError(errorCode: "SerializationException", fieldName: given.key, message: "'\(given.value)' is an Invalid value for '\(property)'"))
            }
        }
        if !bindingErrors.isEmpty {
            let status = ResponseStatus(errorCode: "SerializationException", message: "Unable to bind to request 'ConnectionRequestResend'", errors: bindingErrors)
            return error(400, "Bad Request", format, status, .errorResponse)
        }
        var validation: [ResponseError] = []
        if connectionRequestId?.isEmpty ?? true {
            validation.append(ResponseError(errorCode: "NotEmpty", fieldName: "ConnectionRequestId", message: "'Connection Request Id' must not be empty."))
        }
        if contactId?.isEmpty ?? true {
            validation.append(ResponseError(errorCode: "NotEmpty", fieldName: "ContactId", message: "'Contact Id' must not be empty."))
        }
        if let first = validation.first {
            return error(400, "NotEmpty", format, ResponseStatus(errorCode: first.errorCode, message: first.message, errors: validation), .resend)
        }
        guard let connectionRequestId, let contactId else { return error(500, "Internal Server Error", format, nil, .resend) }
        let body = format == .json ? ResponseStatusJSON.render(nil, style: style) : ResponseStatusXML.render(nil, envelope: .resend, style: style)
        return Answer(status: 200, reason: "OK", format: format, body: body, invitation: (connectionRequestId, contactId))
    }

    func error(_ status: Int, _ reason: String, _ format: WireFormat, _ responseStatus: ResponseStatus?, _ envelope: ErrorEnvelope) -> Answer {
        let body = format == .json ? ResponseStatusJSON.render(responseStatus, style: style) : ResponseStatusXML.render(responseStatus, envelope: envelope, style: style)
        return Answer(status: status, reason: reason, format: format, body: body, invitation: nil)
    }

    private func responseFormat(_ input: Input) -> WireFormat {
        let negotiated = FormatNegotiation.negotiate(route: input.route, query: input.query, accept: input.accept, contentType: input.contentType, defaultFormat: .json)
        switch formats {
        case .both: return negotiated
        case .json: return .json
        case .xml: return .xml
        }
    }

    private func bodyFormat(_ type: String?, predefined: WireFormat?) -> WireFormat? {
        if let predefined { return predefined }
        switch type {
        case "application/json", "text/json": return .json
        case "application/xml", "text/xml": return .xml
        default: return nil
        }
    }

    private func accepts(_ type: String, predefined: WireFormat?) -> Bool {
        guard let format = bodyFormat(type, predefined: predefined) else { return true }
        return formats == .both || formats.rawValue == format.rawValue
    }

    /// The two members of a `<ConnectionRequestResend>` document, by element name. The stand-in only
    /// needs to see what a client sent; the gateway's own XML codec is the strict one.
    static func xmlMembers(_ body: [UInt8]) -> [String: String]? {
        let text = String(decoding: body, as: UTF8.self)
        guard text.contains("<ConnectionRequestResend") else { return nil }
        var members: [String: String] = [:]
        for name in ["ConnectionRequestId", "ContactId"] {
            guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex) else { continue }
            members[name.lowercased()] = String(text[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return members
    }
}
