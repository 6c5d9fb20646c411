/// A strict, small XML 1.0 + Namespaces reader for DTO bodies (requests from clients, responses
/// from the upstream).
///
/// Hand-written rather than Foundation's `XMLParser`/FoundationXML (libxml2) because here DTDs and
/// entities must be impossible *by construction*: there is no code that reads a DTD, so a
/// `<!DOCTYPE`/`<!ENTITY` (XXE, billion laughs) is refused the moment it is seen, and only the five
/// predefined entities and character references exist. Depth, element count, attribute count,
/// namespace declarations in scope and size are bounded before the work they allow; the input is
/// checked as strict UTF-8 and XML `Char` up front. Iterative (no recursion on input depth) and index-checked, so no input crashes or hangs.
///
/// Not supported, all refused: other encodings than UTF-8, DTDs, external anything. Processing
/// instructions and comments are checked and skipped.
public enum XMLReader {
    public static func parse(_ bytes: [UInt8], limits: XMLLimits = XMLLimits()) throws(XMLError) -> XMLElement {
        guard bytes.count <= limits.maxBytes else {
            throw XMLError(.tooLarge, at: limits.maxBytes, "\(bytes.count) bytes, limit \(limits.maxBytes)")
        }
        if let problem = XMLCharacters.firstProblem(bytes) {
            throw XMLError(problem.kind, at: problem.offset)
        }
        var scanner = XMLScanner(b: bytes, limits: limits)
        return try scanner.document()
    }

    public static func parse(_ text: String, limits: XMLLimits = XMLLimits()) throws(XMLError) -> XMLElement {
        try parse(Array(text.utf8), limits: limits)
    }
}

/// The cursor over one document (not named XMLParser: that would shadow Foundation's inside the
/// module). The other `XMLScanner+…` files add tags, names and references.
struct XMLScanner {
    let b: [UInt8]
    let limits: XMLLimits
    var i = 0
    var elementCount = 0
    /// In-scope namespace bindings, innermost last; prefix "" is the default namespace ("" URI = none).
    var bindings: [(prefix: String, uri: String)] = [("xml", XMLScanner.xmlNamespace)]

    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
    static let xmlnsNamespace = "http://www.w3.org/2000/xmlns/"

    init(b: [UInt8], limits: XMLLimits) {
        self.b = b
        self.limits = limits
    }

    /// One element still open, with the character data gathered so far.
    struct Open {
        var qname: Range<Int>
        var element: XMLElement
        var text: [UInt8] = []
        var bindingCount: Int
    }

    mutating func document() throws(XMLError) -> XMLElement {
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
        if at("<?xml") && i + 5 < b.count && XMLCharacters.isSpace(b[i + 5]) { try declaration() }
        try misc()
        guard i < b.count else { throw XMLError(.noRoot, at: i) }
        guard b[i] == UInt8(ascii: "<") else { throw XMLError(.textOutsideRoot, at: i) }
        let root = try rootElement()
        try misc()
        if i < b.count {
            throw XMLError(b[i] == UInt8(ascii: "<") ? .multipleRoots : .textOutsideRoot, at: i)
        }
        return root
    }

    /// Whitespace, comments and PIs before or after the root; any markup declaration is refused.
    mutating func misc() throws(XMLError) {
        while i < b.count {
            if XMLCharacters.isSpace(b[i]) {
                i += 1
            } else if at("<!--") {
                try comment()
            } else if at("<?") {
                try processingInstruction()
            } else if at("<!") {
                throw markupDeclaration()
            } else {
                return
            }
        }
    }

    /// The root and everything inside it, with an explicit stack of open elements.
    mutating func rootElement() throws(XMLError) -> XMLElement {
        var stack: [Open] = []
        let (first, firstEmpty) = try startTag(depth: 1)
        if firstEmpty { return close(first) }
        stack.append(first)
        while let top = stack.indices.last {
            guard i < b.count else { throw XMLError(.unexpectedEnd, at: i, "unclosed element") }
            let c = b[i]
            if c == UInt8(ascii: "<") {
                if at("</") {
                    try endTag(matching: stack[top].qname)
                    let done = close(stack.removeLast())
                    guard let parent = stack.indices.last else { return done }
                    stack[parent].element.children.append(done)
                } else if at("<!--") {
                    try comment()
                } else if at("<![CDATA[") {
                    try cdata(into: &stack[top].text)
                } else if at("<!") {
                    throw markupDeclaration()
                } else if at("<?") {
                    try processingInstruction()
                } else {
                    let (child, empty) = try startTag(depth: stack.count + 1)
                    if empty { stack[top].element.children.append(close(child)) } else { stack.append(child) }
                }
            } else if c == UInt8(ascii: "&") {
                try reference(into: &stack[top].text)
            } else {
                try characterData(into: &stack[top].text)
            }
        }
        throw XMLError(.unexpectedEnd, at: i)
    }

    /// Ends an element: its text becomes a String and its namespace bindings go out of scope.
    mutating func close(_ open: Open) -> XMLElement {
        var element = open.element
        element.text = String(decoding: open.text, as: UTF8.self)
        bindings.removeLast(open.bindingCount)
        return element
    }

    /// Text up to the next markup; line ends normalised to LF (§2.11); `]]>` is not allowed.
    mutating func characterData(into text: inout [UInt8]) throws(XMLError) {
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "<") || c == UInt8(ascii: "&") { return }
            if c == UInt8(ascii: "]") && at("]]>") { throw XMLError(.malformed, at: i, "']]>' in text") }
            if c == 0x0D {
                text.append(0x0A)
                i += (i + 1 < b.count && b[i + 1] == 0x0A) ? 2 : 1
            } else {
                text.append(c)
                i += 1
            }
        }
    }

    /// `<!DOCTYPE`, `<!ENTITY` and friends: refused without reading any further.
    func markupDeclaration() -> XMLError {
        if at("<!DOCTYPE") || at("<!ENTITY") || at("<!ELEMENT") || at("<!ATTLIST") || at("<!NOTATION") {
            return XMLError(.doctypeRefused, at: i, "DTDs and entity declarations are not accepted")
        }
        return XMLError(.malformed, at: i, "unexpected '<!'")
    }

    func at(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard i + count <= b.count else { return false }
        let start = literal.utf8Start
        for k in 0..<count where b[i + k] != start[k] { return false }
        return true
    }

    mutating func skipSpace() -> Bool {
        let start = i
        while i < b.count && XMLCharacters.isSpace(b[i]) { i += 1 }
        return i > start
    }

    mutating func expect(_ byte: Character) throws(XMLError) {
        guard let ascii = byte.asciiValue, i < b.count, b[i] == ascii else {
            throw XMLError(i < b.count ? .malformed : .unexpectedEnd, at: i, "expected '\(byte)'")
        }
        i += 1
    }
}
