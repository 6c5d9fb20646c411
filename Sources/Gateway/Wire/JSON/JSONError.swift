/// Why `JSONReader` refused a document, with the byte offset where it noticed.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case tooLarge, invalidUTF8, unexpectedEnd, unexpectedCharacter, trailingGarbage
        case badNumber, badEscape, loneSurrogate, controlCharacter, tooDeep
        /// The same key twice in one object, exactly.
        case duplicateKey
        /// Two keys of one object that differ only in case (ServiceStack reads keys case-insensitively,
        /// so either could win).
        case caseInsensitiveDuplicateKey
    }

    public var kind: Kind
    public var offset: Int
    public var detail: String

    public init(_ kind: Kind, at offset: Int, _ detail: String = "") {
        self.kind = kind
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        "JSON \(kind.rawValue) at byte \(offset)" + (detail.isEmpty ? "" : ": \(detail)")
    }
}

/// Bounds on what `JSONReader` accepts.
public struct JSONLimits: Sendable, Equatable {
    public var maxBytes: Int
    /// Nesting of objects and arrays; the top-level value is depth 1.
    public var maxDepth: Int

    public init(maxBytes: Int = 4 << 20, maxDepth: Int = 32) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }
}
