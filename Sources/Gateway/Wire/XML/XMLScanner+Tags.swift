/// Start and end tags for `XMLReader`: attributes, duplicate checks and the Namespaces in XML 1.0
/// rules (declarations, reserved prefixes, unbound prefixes, at most one colon per name).
extension XMLScanner {
    private struct RawAttribute {
        var qname: Range<Int>
        var value: String
    }

    /// Reads `<name attr="v" …>` or `…/>` at `i`; returns the open element and whether it was empty.
    mutating func startTag(depth: Int) throws(XMLError) -> (Open, empty: Bool) {
        let tagStart = i
        i += 1
        let qname = try name()
        elementCount += 1
        guard elementCount <= limits.maxElements else { throw XMLError(.tooManyElements, at: tagStart, "limit \(limits.maxElements)") }
        guard depth <= limits.maxDepth else { throw XMLError(.tooDeep, at: tagStart, "limit \(limits.maxDepth)") }

        var raw: [RawAttribute] = []
        var empty = false
        while true {
            let spaced = skipSpace()
            guard i < b.count else { throw XMLError(.unexpectedEnd, at: i, "unclosed start tag") }
            if b[i] == UInt8(ascii: ">") { i += 1; break }
            if b[i] == UInt8(ascii: "/") {
                i += 1
                try expect(">")
                empty = true
                break
            }
            guard spaced else { throw XMLError(.malformed, at: i, "whitespace required before an attribute") }
            let attributeStart = i
            let attributeName = try name()
            _ = skipSpace()
            try expect("=")
            _ = skipSpace()
            let value = try attributeValue()
            guard raw.count < limits.maxAttributes else { throw XMLError(.tooManyAttributes, at: attributeStart) }
            if raw.contains(where: { b[$0.qname] == b[attributeName] }) {
                throw XMLError(.duplicateAttribute, at: attributeStart, text(attributeName))
            }
            raw.append(RawAttribute(qname: attributeName, value: value))
        }

        // Declarations first: they apply to this element's own name and attributes.
        var declared = 0
        for attribute in raw {
            guard let prefix = declaredPrefix(attribute.qname) else { continue }
            try checkDeclaration(prefix: prefix, uri: attribute.value, at: attribute.qname.lowerBound)
            guard bindings.count <= limits.maxNamespaces else {
                throw XMLError(.tooManyNamespaces, at: attribute.qname.lowerBound, "limit \(limits.maxNamespaces) in scope")
            }
            bindings.append((prefix, attribute.value))
            declared += 1
        }
        let (elementNamespace, local) = try resolve(qname, isAttribute: false)
        var attributes: [XMLAttribute] = []
        for attribute in raw where declaredPrefix(attribute.qname) == nil {
            let (namespace, attributeLocal) = try resolve(attribute.qname, isAttribute: true)
            if attributes.contains(where: { $0.name == attributeLocal && $0.namespace == namespace }) {
                throw XMLError(.duplicateAttribute, at: attribute.qname.lowerBound, "\(text(attribute.qname)) (same namespace and name)")
            }
            attributes.append(XMLAttribute(name: attributeLocal, namespace: namespace, value: attribute.value))
        }
        let element = XMLElement(name: local, namespace: elementNamespace, attributes: attributes)
        return (Open(qname: qname, element: element, bindingCount: declared), empty)
    }

    /// `</name S?>`, which must repeat the open element's qualified name exactly.
    mutating func endTag(matching open: Range<Int>) throws(XMLError) {
        let tagStart = i
        i += 2
        let closing = try name()
        guard b[closing] == b[open] else {
            throw XMLError(.mismatchedTag, at: tagStart, "</\(text(closing))> closes <\(text(open))>")
        }
        _ = skipSpace()
        try expect(">")
    }

    /// "" for `xmlns`, "p" for `xmlns:p`, nil for any other attribute.
    private func declaredPrefix(_ qname: Range<Int>) -> String? {
        let xmlns: [UInt8] = Array("xmlns".utf8)
        guard qname.count >= 5, b[qname.lowerBound..<(qname.lowerBound + 5)].elementsEqual(xmlns) else { return nil }
        if qname.count == 5 { return "" }
        guard b[qname.lowerBound + 5] == UInt8(ascii: ":") else { return nil }
        return text((qname.lowerBound + 6)..<qname.upperBound)
    }

    private func checkDeclaration(prefix: String, uri: String, at offset: Int) throws(XMLError) {
        let problem: String? = switch prefix {
        case "xmlns": "the xmlns prefix cannot be declared"
        case "xml": uri == Self.xmlNamespace ? nil : "the xml prefix cannot be rebound"
        case "" where uri == Self.xmlNamespace || uri == Self.xmlnsNamespace: "reserved namespace as default"
        case "": nil
        case _ where uri.isEmpty: "a prefix cannot be undeclared in XML 1.0"
        case _ where uri == Self.xmlNamespace || uri == Self.xmlnsNamespace: "reserved namespace bound to \(prefix)"
        default: nil
        }
        if let problem { throw XMLError(.badNamespaceDeclaration, at: offset, problem) }
    }

    /// Splits a QName and finds its namespace; unprefixed attributes have none (Namespaces §6.2).
    private func resolve(_ qname: Range<Int>, isAttribute: Bool) throws(XMLError) -> (String?, String) {
        let colons = b[qname].indices.filter { b[$0] == UInt8(ascii: ":") }
        guard let colon = colons.first else {
            let name = text(qname)
            if isAttribute { return (nil, name) }
            let uri = lookup("") ?? ""
            return (uri.isEmpty ? nil : uri, name)
        }
        let prefix = text(qname.lowerBound..<colon)
        let local = text((colon + 1)..<qname.upperBound)
        guard colons.count == 1, !prefix.isEmpty, XMLCharacters.isNCName(local) else {
            throw XMLError(.malformed, at: qname.lowerBound, "'\(text(qname))' is not a qualified name")
        }
        guard let uri = lookup(prefix) else { throw XMLError(.unboundPrefix, at: qname.lowerBound, prefix) }
        return (uri, local)
    }

    private func lookup(_ prefix: String) -> String? {
        bindings.last { $0.prefix == prefix }?.uri
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: b[range], as: UTF8.self)
    }
}
