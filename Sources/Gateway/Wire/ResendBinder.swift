/// The binding rules of SPEC §4.3 as a pure function of the request: where each field may come from,
/// what makes it invalid, missing or ambiguous, and the exact ServiceStack error texts for each case.
struct ResendBinder {
    let xmlNamespace: String

    /// One value of one field, and where it came from.
    private struct Given {
        var fieldName: String
        var value: String
    }

    private static let fields = [("connectionrequestid", "ConnectionRequestId", "Connection Request Id"), ("contactid", "ContactId", "Contact Id")]

    func bind(_ request: GatewayRequest, route: ResendRoute) -> Result<ConnectionRequestResend, GatewayError> {
        // JSONP: a `?callback=` answer is script, and ServiceStack forces its errors to status 200.
        if let callback = QueryString.firstValue(named: "callback", in: request.query), !callback.isEmpty {
            return .failure(.badRequest("JsonpNotSupported", "JSONP (?callback=) is not supported on this resource"))
        }
        var given: [String: [Given]] = [:]
        // Body first (ServiceStack's order; the order only matters for which value an error echoes).
        switch bodyFields(request, route: route) {
        case .failure(let error): return .failure(error)
        case .success(let fields): for (key, value) in fields { given[key, default: []].append(value) }
        }
        if let id = route.pathId { given["connectionrequestid", default: []].append(Given(fieldName: "ConnectionRequestId", value: QueryString.decode(Substring(id)))) }
        var queryCounts: [String: Int] = [:]
        for (name, value) in QueryString.pairs(request.query) {
            let key = name.lowercased()
            if key == "x-http-method-override" {
                return .failure(.badRequest("MethodOverrideNotAllowed", "X-Http-Method-Override is not accepted on this resource"))
            }
            guard Self.fields.contains(where: { $0.0 == key }) else { continue }
            queryCounts[key, default: 0] += 1
            if queryCounts[key] == 2 { return .failure(ambiguous(property(key), "is given more than once in the query")) }
            if !value.isEmpty { given[key, default: []].append(Given(fieldName: name, value: value)) }
        }
        var invalid: [ResponseError] = []
        var bound: [String: GUID] = [:]
        for (key, propertyName, _) in Self.fields {
            for item in given[key] ?? [] {
                guard let guid = GUID(item.value) else {
                    invalid.append(ResponseError(errorCode: "SerializationException", fieldName: item.fieldName, message: "'\(Self.echo(item.value))' is an Invalid value for '\(propertyName)'"))
                    continue
                }
                if let earlier = bound[key], earlier != guid {
                    return .failure(ambiguous(propertyName, "is given in more than one place with different values"))
                }
                bound[key] = guid
            }
        }
        if !invalid.isEmpty {
            var error = GatewayError.badRequest("SerializationException", "Unable to bind to request 'ConnectionRequestResend'")
            error.fieldErrors = invalid
            error.envelope = .errorResponse
            return .failure(error)
        }
        var empty: [ResponseError] = []
        for (key, propertyName, spoken) in Self.fields where bound[key]?.isEmpty ?? true {
            empty.append(ResponseError(errorCode: "NotEmpty", fieldName: propertyName, message: "'\(spoken)' must not be empty."))
        }
        if let first = empty.first, let code = first.errorCode, let message = first.message {
            var error = GatewayError.badRequest(code, message)
            error.fieldErrors = empty
            return .failure(error)
        }
        guard let id = bound["connectionrequestid"], let contact = bound["contactid"] else {
            return .failure(.badRequest("NotEmpty", "'Contact Id' must not be empty."))
        }
        return .success(ConnectionRequestResend(connectionRequestId: id, contactId: contact))
    }

    /// The fields a body carries, after the Content-Type checks of SPEC §4.3.
    private func bodyFields(_ request: GatewayRequest, route: ResendRoute) -> Result<[(String, Given)], GatewayError> {
        let body = request.body
        guard body.readableBytes > 0 else { return .success([]) }
        guard let contentType = request.header("Content-Type") else {
            return .failure(.unsupportedMediaType("A request body needs a Content-Type"))
        }
        guard let kind = BodyKind(contentType: contentType) else {
            return .failure(.unsupportedMediaType("Content-Type '\(Self.echo(contentType))' is not supported; use JSON, XML or a URL-encoded form in UTF-8"))
        }
        // A predefined route parses its body in the route's format whatever the Content-Type says; refuse
        // a mismatch rather than read the body differently from the upstream.
        if let routeFormat = route.predefinedFormat, kind == .form || kind.format != routeFormat {
            return .failure(.unsupportedMediaType("The body of /\(routeFormat.rawValue)/reply/ must be \(routeFormat.rawValue.uppercased())"))
        }
        let bytes = Array(body.readableBytesView)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(Self.malformed(kind, "the body is not valid UTF-8"))
        }
        switch kind {
        case .form:
            var seen: Set<String> = []
            var fields: [(String, Given)] = []
            for (name, value) in QueryString.pairs(Substring(text)) {
                let key = name.lowercased()
                if key == "x-http-method-override" {
                    return .failure(.badRequest("MethodOverrideNotAllowed", "X-Http-Method-Override is not accepted on this resource"))
                }
                guard Self.fields.contains(where: { $0.0 == key }) else { continue }
                guard seen.insert(key).inserted else { return .failure(ambiguous(property(key), "is given more than once in the form")) }
                if !value.isEmpty { fields.append((key, Given(fieldName: name, value: value))) }
            }
            return .success(fields)
        case .json, .xml:
            do {
                let decoded = try RequestBodyCodec.decode(bytes, format: kind.format, xmlNamespace: xmlNamespace)
                var fields: [(String, Given)] = []
                if let id = decoded.connectionRequestId { fields.append(("connectionrequestid", Given(fieldName: "ConnectionRequestId", value: id))) }
                if let contact = decoded.contactId { fields.append(("contactid", Given(fieldName: "ContactId", value: contact))) }
                return .success(fields)
            } catch {
                return .failure(Self.malformed(kind, "\(error)"))
            }
        }
    }

    private func property(_ key: String) -> String {
        Self.fields.first { $0.0 == key }?.1 ?? key
    }

    private func ambiguous(_ propertyName: String, _ what: String) -> GatewayError {
        var error = GatewayError.badRequest("AmbiguousRequest", "'\(propertyName)' \(what)")
        error.fieldErrors = [ResponseError(errorCode: "AmbiguousRequest", fieldName: propertyName, message: "'\(propertyName)' \(what)")]
        error.envelope = .errorResponse
        return error
    }

    private static func malformed(_ kind: BodyKind, _ detail: String) -> GatewayError {
        var error = GatewayError.badRequest(
            "SerializationException", "Could not deserialize '\(kind.mediaType)' request using ConnectionRequestResend: \(echo(detail))")
        error.envelope = .errorResponse
        return error
    }

    /// Echoed values are cut to 64 characters.
    static func echo(_ value: String) -> String {
        value.count > 64 ? String(value.prefix(64)) : value
    }
}

/// The body formats a resend may carry.
enum BodyKind {
    case json, xml, form

    init?(contentType: String) {
        let parts = contentType.split(separator: ";")
        let type = (parts.first.map { FormatNegotiation.mediaType($0) }) ?? ""
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: [" ", "\t", "\""]).lowercased() }
            if pair.first == "charset", pair.last != "utf-8" && pair.last != "utf8" { return nil }
        }
        switch type {
        case "application/json", "text/json": self = .json
        case "application/xml", "text/xml": self = .xml
        case "application/x-www-form-urlencoded": self = .form
        default: return nil
        }
    }

    var format: WireFormat {
        switch self {
        case .xml: return .xml
        case .json, .form: return .json
        }
    }

    var mediaType: String {
        switch self {
        case .json: return "application/json"
        case .xml: return "application/xml"
        case .form: return "application/x-www-form-urlencoded"
        }
    }
}
