/// The tree `XMLReader` produces: just what a DataContract DTO needs. Names are local names with the
/// namespace URI resolved (prefixes are a writer's choice, not data); namespace declarations are not
/// attributes; `text` is all character data directly inside the element, concatenated (mixed content
/// is not modelled, and whitespace between child elements is there for the caller to ignore).
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var namespace: String?
    public var attributes: [XMLAttribute]
    public var children: [XMLElement]
    public var text: String

    public init(name: String, namespace: String?, attributes: [XMLAttribute] = [], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The value of the attribute with this local name and namespace (nil namespace = unprefixed).
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        attributes.first { $0.name == name && $0.namespace == namespace }?.value
    }

    /// Whether the text is only XML whitespace (or empty).
    public var textIsBlank: Bool { text.utf8.allSatisfy(XMLCharacters.isSpace) }
}

public struct XMLAttribute: Sendable, Equatable {
    public var name: String
    public var namespace: String?
    public var value: String

    public init(name: String, namespace: String?, value: String) {
        self.name = name
        self.namespace = namespace
        self.value = value
    }
}
