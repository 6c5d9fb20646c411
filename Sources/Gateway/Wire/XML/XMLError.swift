public typealias XMLError = ReaderError<XMLErrorKind>

/// Why `XMLReader` refused a document.
public enum XMLErrorKind: String, ReaderErrorKind {
    case tooLarge, invalidUTF8, invalidCharacter, unsupportedEncoding
    /// `<!DOCTYPE`, `<!ENTITY` or any other markup declaration: never processed, always refused.
    case doctypeRefused
    /// `&name;` other than the five predefined entities.
    case undefinedEntity
    case malformed, unexpectedEnd, mismatchedTag, duplicateAttribute
    case unboundPrefix, badNamespaceDeclaration
    case tooDeep, tooManyElements, tooManyAttributes, tooManyNamespaces
    case noRoot, multipleRoots, textOutsideRoot

    public static let format = "XML"
}

/// Bounds on what `XMLReader` accepts; every limit is checked before the work it would allow.
public struct XMLLimits: Sendable, Equatable {
    public var maxBytes: Int
    public var maxDepth: Int
    public var maxElements: Int
    public var maxAttributes: Int
    /// Namespace declarations in scope at once (bounds the cost of resolving each prefix).
    public var maxNamespaces: Int

    public init(maxBytes: Int = 4 << 20, maxDepth: Int = 32, maxElements: Int = 10_000, maxAttributes: Int = 64, maxNamespaces: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxElements = maxElements
        self.maxAttributes = maxAttributes
        self.maxNamespaces = maxNamespaces
    }
}
