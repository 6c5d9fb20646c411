/// Why a request body could not be bound to `ConnectionRequestResend`. Every case is a
/// `SerializationException` for the client (SPEC §4.3); the kind and detail are for logs and tests.
public struct DTOError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The JSON reader refused the body (syntax, duplicate keys, UTF-8, depth, size).
        case malformedJSON
        /// The XML reader refused the body (syntax, DTD, entities, namespaces, UTF-8, bounds).
        case malformedXML
        /// JSON whose top level is not an object.
        case notAnObject
        /// XML whose root is not `ConnectionRequestResend` in the configured namespace.
        case wrongRoot
        /// An XML member given twice.
        case repeatedMember
        /// An XML member with child elements, or text mixed into the root.
        case unexpectedContent
    }

    public var kind: Kind
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue): \(detail)" }
}
