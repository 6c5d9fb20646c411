import HTTPTypes

// Credential headers are read by their lowercase (canonical) names straight from `HTTPFields`, one
// value per field line, so a header sent twice is seen twice: a second, disagreeing credential
// must be noticed, not silently merged or dropped.

enum AuthHeaderValues {
    static let authorization = "authorization"
    static let apiKey = "x-api-key"
    static let cookie = "cookie"
    static let sessionID = "x-ss-id"
    static let permanentSessionID = "x-ss-pid"

    /// The value of every field line named `lowercaseName`, in order.
    static func values(_ headers: HTTPFields, _ lowercaseName: String) -> [String] {
        headers.filter { $0.name.canonicalName == lowercaseName }.map(\.value)
    }

    /// `value` without surrounding spaces and tabs (HTTP optional whitespace).
    static func trimmed(_ value: Substring) -> Substring {
        var result = value
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
