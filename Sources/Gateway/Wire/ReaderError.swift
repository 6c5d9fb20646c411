/// Why one of the strict readers (`JSONReader`, `XMLReader`) refused a document, with the byte offset
/// where it noticed. Each reader has its own kinds, so callers (and tests) can tell, say, a refused
/// DTD from plain malformed markup.
public struct ReaderError<K: ReaderErrorKind>: Error, Sendable, Equatable, CustomStringConvertible {
    public typealias Kind = K

    public var kind: Kind
    public var offset: Int
    public var detail: String

    public init(_ kind: Kind, at offset: Int, _ detail: String = "") {
        self.kind = kind
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        "\(Kind.format) \(kind.rawValue) at byte \(offset)" + (detail.isEmpty ? "" : ": \(detail)")
    }
}

/// The kinds of one reader's errors, and the format's name for messages.
public protocol ReaderErrorKind: RawRepresentable<String>, Sendable, Equatable {
    static var format: String { get }
}
