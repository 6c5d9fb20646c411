/// A response DTO of this API — `ConnectionRequestResendResponse` or ServiceStack's `ErrorResponse` —
/// as one value both formats decode to and encode from, so JSON ⇄ XML translation and debug
/// scrubbing work on data, not on text.
///
/// **Rule for members the model does not know** (SPEC §4.8), applied the same way by both decoders:
/// - A *top-level* member other than `ResponseStatus` is kept when its value is scalar — a JSON
///   string, number, boolean or null, or an XML element in the DTO's namespace with no child elements
///   (its text, or null when `i:nil="true"`). It is written after `ResponseStatus`, in arrival order:
///   in JSON as a member (null omitted, like ServiceStack; numbers and booleans verbatim; text from
///   XML as a string, since XML carries no type), in XML as an element in the root's namespace
///   (`<Name>text</Name>`, or `i:nil="true"`).
/// - Kept members are named in PascalCase (first letter upper-cased, as the XML contract spells
///   them) and written in the configured JSON case. A name that is not an XML NCName, that equals
///   `ResponseStatus` ignoring case, or repeats an earlier kept name ignoring case, is dropped.
/// - Everything else unknown is dropped: structured values (JSON objects/arrays, XML elements with
///   children), elements in other namespaces, and unknown members inside `ResponseStatus` /
///   `ResponseError`.
/// JSON does not say which envelope it is; JSON decodes as the typed `ConnectionRequestResendResponse`.
public struct ResponseDTO: Sendable, Equatable {
    public var envelope: ErrorEnvelope
    public var responseStatus: ResponseStatus?
    public var extraMembers: [ExtraMember]

    public init(envelope: ErrorEnvelope = .resend, responseStatus: ResponseStatus?, extraMembers: [ExtraMember] = []) {
        self.envelope = envelope
        self.responseStatus = responseStatus
        self.extraMembers = extraMembers
    }

    /// Adds a kept unknown member, applying the naming rule above; returns false if it was dropped.
    @discardableResult
    mutating func keep(name: String, value: ExtraMember.Value) -> Bool {
        guard let first = name.first else { return false }
        let pascal = first.uppercased() + name.dropFirst()
        let folded = pascal.lowercased()
        guard XMLCharacters.isNCName(pascal), folded != "responsestatus",
              !extraMembers.contains(where: { $0.name.lowercased() == folded }) else { return false }
        extraMembers.append(ExtraMember(name: pascal, value: value))
        return true
    }

    /// Whether every string can be written in XML 1.0 (JSON may carry U+0000, U+FFFF, C0 controls).
    var isXMLWritable: Bool {
        var texts: [String] = extraMembers.compactMap {
            switch $0.value {
            case .string(let text), .number(let text): text
            case .bool, .null: nil
            }
        }
        if let status = responseStatus {
            texts += [status.errorCode, status.message, status.stackTrace].compactMap { $0 }
            texts += (status.meta ?? []).flatMap { [$0.key, $0.value] }
            for error in status.errors {
                texts += [error.errorCode, error.fieldName, error.message].compactMap { $0 }
                texts += (error.meta ?? []).flatMap { [$0.key, $0.value] }
            }
        }
        return texts.allSatisfy(XMLCharacters.canWrite)
    }
}

/// A top-level member the model does not know, kept by the rule on `ResponseDTO`.
public struct ExtraMember: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case string(String)
        /// JSON number text, verbatim.
        case number(String)
        case bool(Bool)
        case null
    }

    public var name: String
    public var value: Value

    public init(name: String, value: Value) {
        self.name = name
        self.value = value
    }
}
