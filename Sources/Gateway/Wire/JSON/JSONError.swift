public typealias JSONError = ReaderError<JSONErrorKind>

/// Why `JSONReader` refused a document.
public enum JSONErrorKind: String, ReaderErrorKind {
    case tooLarge, invalidUTF8, unexpectedEnd, unexpectedCharacter, trailingGarbage
    case badNumber, badEscape, loneSurrogate, controlCharacter, tooDeep
    /// The same key twice in one object, exactly.
    case duplicateKey
    /// Two keys of one object that differ only in case (ServiceStack reads keys case-insensitively,
    /// so either could win).
    case caseInsensitiveDuplicateKey

    public static let format = "JSON"
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
