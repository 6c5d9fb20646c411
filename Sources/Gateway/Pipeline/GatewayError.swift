/// A refusal or failure the gateway answers itself, in ServiceStack's error shape (SPEC §4.7).
public struct GatewayError: Error, Sendable {
    public var status: Int
    public var code: String
    public var message: String
    public var fieldErrors: [ResponseError] = []
    public var headers: [HeaderLine] = []
    public var decision: Decision
    public var policy: String?
    public var envelope: ErrorEnvelope = .resend
    public var closeConnection = false

    public init(status: Int, code: String, message: String, decision: Decision, policy: String? = nil, headers: [HeaderLine] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.decision = decision
        self.policy = policy
        self.headers = headers
    }
}

extension GatewayError {
    public static func badRequest(_ code: String, _ message: String) -> GatewayError {
        GatewayError(status: 400, code: code, message: message, decision: .invalid, policy: "validation")
    }

    public static func notFound() -> GatewayError {
        var error = GatewayError(status: 404, code: "NotFound", message: "Handler for Request not found", decision: .notFound)
        error.envelope = .errorResponse
        return error
    }

    public static func methodNotAllowed(_ method: String, allowed: [String]) -> GatewayError {
        GatewayError(
            status: 405, code: "MethodNotAllowed", message: "Method \(method) is not allowed on this resource",
            decision: .invalid, policy: "validation", headers: [HeaderLine("Allow", allowed.joined(separator: ", "))])
    }

    public static func requestTooLarge(limit: Int) -> GatewayError {
        GatewayError(status: 413, code: "RequestTooLarge", message: "Request body is larger than \(limit) bytes", decision: .invalid, policy: "validation")
    }

    public static func headersTooLarge(limit: Int) -> GatewayError {
        GatewayError(
            status: 431, code: "RequestHeaderFieldsTooLarge", message: "Request headers are larger than \(limit) bytes", decision: .invalid,
            policy: "validation")
    }

    public static func tooManyHeaderFields(limit: Int) -> GatewayError {
        GatewayError(
            status: 431, code: "RequestHeaderFieldsTooLarge", message: "Request has more than \(limit) header fields", decision: .invalid,
            policy: "validation")
    }

    public static func requestTimeout() -> GatewayError {
        GatewayError(status: 504, code: "RequestTimeout", message: "The request took too long to complete", decision: .upstreamTimeout)
    }

    public static func overloaded(retryAfter: Int) -> GatewayError {
        GatewayError(
            status: 503, code: "Overloaded", message: "Too many requests in progress; retry later", decision: .shed, policy: "shed",
            headers: [HeaderLine("Retry-After", String(retryAfter))])
    }

    public static func upstreamUnavailable(_ detail: String) -> GatewayError {
        GatewayError(status: 502, code: "UpstreamUnavailable", message: "The upstream could not be reached; nothing was sent (\(detail))", decision: .upstreamError)
    }

    public static func upstreamOutcomeUnknown(_ detail: String) -> GatewayError {
        GatewayError(
            status: 502, code: "UpstreamOutcomeUnknown",
            message: "The upstream failed after the request was sent; the invitation may have been sent (\(detail))", decision: .upstreamError)
    }

    public static func upstreamTimeout() -> GatewayError {
        GatewayError(
            status: 504, code: "UpstreamTimeout",
            message: "The upstream did not answer in time; the invitation may have been sent", decision: .upstreamTimeout)
    }
}

extension GatewayError {
    public static func unsupportedMediaType(_ message: String) -> GatewayError {
        GatewayError(status: 415, code: "UnsupportedMediaType", message: message, decision: .invalid, policy: "validation")
    }
}
