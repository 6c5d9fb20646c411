/// ServiceStack's error model (`ServiceStack.ResponseStatus` and friends), reduced to what travels on
/// this API. Member order is the data contract's order; writers rely on it.
public struct ResponseStatus: Sendable, Equatable {
    public var errorCode: String?
    public var message: String?
    public var stackTrace: String?
    public var errors: [ResponseError]
    public var meta: [(key: String, value: String)]?

    public init(errorCode: String?, message: String?, stackTrace: String? = nil, errors: [ResponseError] = [], meta: [(key: String, value: String)]? = nil) {
        self.errorCode = errorCode
        self.message = message
        self.stackTrace = stackTrace
        self.errors = errors
        self.meta = meta
    }

    public static func == (lhs: ResponseStatus, rhs: ResponseStatus) -> Bool {
        lhs.errorCode == rhs.errorCode && lhs.message == rhs.message && lhs.stackTrace == rhs.stackTrace
            && lhs.errors == rhs.errors && lhs.meta?.map(\.key) == rhs.meta?.map(\.key) && lhs.meta?.map(\.value) == rhs.meta?.map(\.value)
    }
}

public struct ResponseError: Sendable, Equatable {
    public var errorCode: String?
    public var fieldName: String?
    public var message: String?
    /// `ResponseError.Meta` (ServiceStack ≥ 4.0.44), in wire order; validators put placeholder values here.
    public var meta: [(key: String, value: String)]?

    public init(errorCode: String?, fieldName: String?, message: String?, meta: [(key: String, value: String)]? = nil) {
        self.errorCode = errorCode
        self.fieldName = fieldName
        self.message = message
        self.meta = meta
    }

    public static func == (lhs: ResponseError, rhs: ResponseError) -> Bool {
        lhs.errorCode == rhs.errorCode && lhs.fieldName == rhs.fieldName && lhs.message == rhs.message
            && lhs.meta?.map(\.key) == rhs.meta?.map(\.key) && lhs.meta?.map(\.value) == rhs.meta?.map(\.value)
    }
}

/// Which DTO carries the status: the service's typed response, or the handler-level `ErrorResponse`
/// ServiceStack uses before a service runs (binding errors). Identical in JSON, different roots in XML.
public enum ErrorEnvelope: Sendable, Equatable {
    case typed(String)
    case errorResponse

    public static let resend = ErrorEnvelope.typed("ConnectionRequestResendResponse")
}

/// How the gateway writes DTOs: the case of JSON members and the XML data-contract namespace.
public struct WireStyle: Sendable, Equatable {
    public var jsonCase: JSONCase
    public var xmlNamespace: String

    public static let servicestackTypes = "http://schemas.servicestack.net/types"
    public static let arrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
    public static let instance = "http://www.w3.org/2001/XMLSchema-instance"
    public static let defaultNamespace = "http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"

    public init(jsonCase: JSONCase = .pascal, xmlNamespace: String = WireStyle.defaultNamespace) {
        self.jsonCase = jsonCase
        self.xmlNamespace = xmlNamespace
    }
}
