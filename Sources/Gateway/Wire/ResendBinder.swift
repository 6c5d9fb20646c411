/// The binding rules of SPEC §4.3 as a pure function of the request: where each field may come from,
/// what makes it invalid, missing or ambiguous, and the exact ServiceStack error texts for each case.
struct ResendBinder {
    let xmlNamespace: String

    /// One value of one field, and where it came from.
    private struct Given {
        var fieldName: String
        var value: String
    }

    /// The DTO's two fields, each with its property name and the name its validator speaks: index 0
    /// is `ConnectionRequestId`, 1 is `ContactId` (fixed slots rather than a dictionary keyed by name:
    /// this runs on every resend).
    private static let fields = [("connectionrequestid", "ConnectionRequestId", "Connection Request Id"), ("contactid", "ContactId", "Contact Id")]

    /// The field a query, form or body name binds to (ServiceStack matches names ignoring case).
    private static func field(named name: String) -> Int? {
        fields.firstIndex { name.utf8.elementsEqual($0.0.utf8) { $0.asciiLowercased == $1 } }
    }

    private static func isMethodOverride(_ name: String) -> Bool {
        name.utf8.elementsEqual("x-http-method-override".utf8) { $0.asciiLowercased == $1 }
    }

    func bind(_ request: GatewayRequest, route: ResendRoute) -> Result<ConnectionRequestResend, GatewayError> {
        // JSONP: a `?callback=` answer is script, and ServiceStack forces its errors to status 200.
        if let callback = QueryString.firstValue(named: "callback", in: request.query), !callback.isEmpty {
            return .failure(.badRequest("JsonpNotSupported", "JSONP (?callback=) is not supported on this resource"))
        }
        var given: [[Given]] = [[], []]
        // Body first (ServiceStack's order; the order only matters for which value an error echoes).
        switch bodyFields(request, route: route) {
        case .failure(let error): return .failure(error)
        case .success(let fields): for (field, value) in fields { given[field].append(value) }
        }
        if let id = route.pathId { given[0].append(Given(fieldName: "ConnectionRequestId", value: QueryString.decode(Substring(id)))) }
        var queryCounts = [0, 0]
        for (name, value) in QueryString.pairs(request.query) {
            if Self.isMethodOverride(name) {
                return .failure(.badRequest("MethodOverrideNotAllowed", "X-Http-Method-Override is not accepted on this resource"))
            }
            guard let field = Self.field(named: name) else { continue }
            queryCounts[field] += 1
            if queryCounts[field] == 2 { return .failure(ambiguous(Self.fields[field].1, "is given more than once in the query")) }
            if !value.isEmpty { given[field].append(Given(fieldName: name, value: value)) }
        }
        var invalid: [ResponseError] = []
        var bound: [GUID?] = [nil, nil]
        for (field, (_, propertyName, _)) in Self.fields.enumerated() {
            for item in given[field] {
                guard let guid = GUID(item.value) else {
                    invalid.append(ResponseError(errorCode: "SerializationException", fieldName: item.fieldName, message: "'\(Self.echo(item.value))' is an Invalid value for '\(propertyName)'"))
                    continue
                }
                if let earlier = bound[field], earlier != guid {
                    return .failure(ambiguous(propertyName, "is given in more than one place with different values"))
                }
                bound[field] = guid
            }
        }
        if !invalid.isEmpty {
            var error = GatewayError.badRequest("SerializationException", "Unable to bind to request 'ConnectionRequestResend'")
            error.fieldErrors = invalid
            error.envelope = .errorResponse
            return .failure(error)
        }
        guard let id = bound[0], let contact = bound[1], !id.isEmpty, !contact.isEmpty else {
            var empty: [ResponseError] = []
            for (field, (_, propertyName, spoken)) in Self.fields.enumerated() where bound[field]?.isEmpty ?? true {
                empty.append(ResponseError(errorCode: "NotEmpty", fieldName: propertyName, message: "'\(spoken)' must not be empty."))
            }
            var error = GatewayError.badRequest("NotEmpty", empty.first?.message ?? "'Contact Id' must not be empty.")
            error.fieldErrors = empty
            return .failure(error)
        }
        return .success(ConnectionRequestResend(connectionRequestId: id, contactId: contact))
    }

    /// The fields a body carries, after the Content-Type checks of SPEC §4.3.
    private func bodyFields(_ request: GatewayRequest, route: ResendRoute) -> Result<[(Int, Given)], GatewayError> {
        let body = request.body
        guard body.readableBytes > 0 else { return .success([]) }
        guard let contentType = request.header(.contentType) else {
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
            var seen = [false, false]
            var fields: [(Int, Given)] = []
            for (name, value) in QueryString.pairs(Substring(text)) {
                if Self.isMethodOverride(name) {
                    return .failure(.badRequest("MethodOverrideNotAllowed", "X-Http-Method-Override is not accepted on this resource"))
                }
                guard let field = Self.field(named: name) else { continue }
                guard !seen[field] else { return .failure(ambiguous(Self.fields[field].1, "is given more than once in the form")) }
                seen[field] = true
                if !value.isEmpty { fields.append((field, Given(fieldName: name, value: value))) }
            }
            return .success(fields)
        case .json, .xml:
            do {
                let decoded = try RequestBodyCodec.decode(bytes, format: kind.format, xmlNamespace: xmlNamespace)
                var fields: [(Int, Given)] = []
                if let id = decoded.connectionRequestId { fields.append((0, Given(fieldName: "ConnectionRequestId", value: id))) }
                if let contact = decoded.contactId { fields.append((1, Given(fieldName: "ContactId", value: contact))) }
                return .success(fields)
            } catch {
                return .failure(Self.malformed(kind, "\(error)"))
            }
        }
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
