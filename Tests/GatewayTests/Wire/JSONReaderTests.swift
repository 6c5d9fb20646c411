import Gateway
import Testing

/// JSONReader on its own: RFC 8259 acceptance, duplicate keys (exact and by case), surrogates,
/// UTF-8, depth and size.
@Suite("JSONReader: strict RFC 8259")
struct JSONReaderTests {
    @Test func keepsMemberOrderAndNumberText() throws {
        let value = try JSONReader.parse(#" {"b":1,"a":[-0.5e+10,true,false,null,"x"],"c":{}} "#)
        #expect(value == .object([
            JSONMember(key: "b", value: .number("1")),
            JSONMember(key: "a", value: .array([.number("-0.5e+10"), .bool(true), .bool(false), .null, .string("x")])),
            JSONMember(key: "c", value: .object([])),
        ]))
        #expect(value.serialized == #"{"b":1,"a":[-0.5e+10,true,false,null,"x"],"c":{}}"#)
        #expect(value.member("B") == .number("1"))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONReader.parse(#""a\"\\\/\b\f\n\r\t\u0041\u00e9\uD83D\uDE00\u0000 é""#)
        #expect(value == .string("a\"\\/\u{08}\u{0C}\n\r\tAé😀\u{0} é"))
    }

    @Test func acceptsALeadingBOMAndDepth32() throws {
        #expect(try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8)) == .object([]))
        let deep = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(throws: Never.self) { try JSONReader.parse(deep) }
    }

    @Test func refusesExactDuplicateKeys() {
        #expect(kind(#"{"ContactId":"a","ContactId":"b"}"#) == .duplicateKey)
        #expect(kind(#"{"x":{"a":1,"b":2,"a":3}}"#) == .duplicateKey)
        #expect(kind(#"[{"a":1},{"a":2}]"#) == nil)
    }

    @Test func refusesKeysThatDifferOnlyInCase() {
        #expect(kind(#"{"ContactId":"a","contactid":"b"}"#) == .caseInsensitiveDuplicateKey)
        #expect(kind(#"{"ContactId":"a","CONTACTID":"a"}"#) == .caseInsensitiveDuplicateKey)
        #expect(kind(#"{"ÉTÉ":1,"été":2}"#) == .caseInsensitiveDuplicateKey)
    }

    @Test(arguments: [
        (#"{"a":"\uD800"}"#, JSONError.Kind.loneSurrogate),
        (#""\uDC00""#, .loneSurrogate),
        (#""\uD800\u0041""#, .loneSurrogate),
        (#""\uD800x""#, .loneSurrogate),
        (#""\x""#, .badEscape),
        (#""\u12G4""#, .badEscape),
        ("\"a\u{1}b\"", .controlCharacter),
        ("\"a\nb\"", .controlCharacter),
        ("{} x", .trailingGarbage),
        ("{}{}", .trailingGarbage),
        ("01", .trailingGarbage),
        ("[01]", .unexpectedCharacter),
        ("1.", .unexpectedEnd),
        ("1.e5", .badNumber),
        ("-", .unexpectedEnd),
        ("-a", .badNumber),
        (".5", .unexpectedCharacter),
        ("+1", .unexpectedCharacter),
        ("[1,]", .unexpectedCharacter),
        (#"{"a":1,}"#, .unexpectedCharacter),
        (#"{"a" 1}"#, .unexpectedCharacter),
        ("{a:1}", .unexpectedCharacter),
        ("NaN", .unexpectedCharacter),
        ("'a'", .unexpectedCharacter),
        ("tru", .unexpectedEnd),
        ("nul1", .unexpectedCharacter),
        ("", .unexpectedEnd),
        ("   ", .unexpectedEnd),
        (#"{"a":"#, .unexpectedEnd),
        (#""abc"#, .unexpectedEnd),
        ("[", .unexpectedEnd),
    ])
    func refuses(_ doc: String, _ expected: JSONError.Kind) {
        #expect(kind(doc) == expected, "\(doc)")
    }

    @Test(arguments: [[0xC0, 0x80] as [UInt8], [0xED, 0xB0, 0x80], [0xF8], [0xE2, 0x82], [0x80]])
    func refusesInvalidUTF8(_ bad: [UInt8]) {
        let doc = Array(#"{"a":""#.utf8) + bad + Array(#""}"#.utf8)
        #expect(throws: JSONError(.invalidUTF8, at: 6)) { try JSONReader.parse(doc) }
    }

    @Test func refusesDepthBeyond32() {
        #expect(kind(String(repeating: "[", count: 33) + String(repeating: "]", count: 33)) == .tooDeep)
        #expect(kind(String(repeating: #"{"a":"#, count: 33) + "1" + String(repeating: "}", count: 33)) == .tooDeep)
        #expect(kind(String(repeating: "[", count: 500_000)) == .tooDeep)
    }

    @Test func refusesInputBeyondMaxBytes() {
        #expect(throws: JSONError.self) { try JSONReader.parse("[1,2,3]", limits: JSONLimits(maxBytes: 6)) }
        #expect(throws: Never.self) { try JSONReader.parse("[1,2,3]", limits: JSONLimits(maxBytes: 7)) }
    }

    private func kind(_ doc: String) -> JSONError.Kind? {
        do {
            _ = try JSONReader.parse(doc)
            return nil
        } catch {
            return error.kind
        }
    }
}
