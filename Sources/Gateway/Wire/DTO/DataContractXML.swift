/// Small DataContractSerializer reading conventions shared by the request and response decoders:
/// `i:nil` (an `xsd:boolean`, so `true` or `1`, whitespace collapsed) and XML whitespace trimming.
enum DataContractXML {
    static func isNil(_ element: XMLElement) -> Bool {
        guard let value = element.attribute("nil", namespace: WireStyle.instance) else { return false }
        let flag = trimmed(value)
        return flag == "true" || flag == "1"
    }

    static func trimmed(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard let first = bytes.firstIndex(where: { !XMLCharacters.isSpace($0) }),
              let last = bytes.lastIndex(where: { !XMLCharacters.isSpace($0) }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
