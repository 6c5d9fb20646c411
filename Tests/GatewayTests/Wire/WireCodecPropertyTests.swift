import Gateway
import Testing

/// Property tests for the wire codecs with a fixed-seed generator (reproducible, no extra package):
/// no input crashes or hangs a reader, decode→encode reaches a fixed point, and random ResponseStatus
/// values round-trip byte for byte in both formats.
@Suite("Wire codecs: properties over generated inputs")
struct WireCodecPropertyTests {
    let style = WireStyle()

    @Test func randomBytesNeverCrashAnyReader() {
        var rng = SplitMix64(seed: 0x5EED_0001)
        for _ in 0..<4_000 {
            let length = Int.random(in: 0...200, using: &rng)
            let bytes = (0..<length).map { _ in rng.interestingByte() }
            exerciseEverything(bytes)
        }
    }

    @Test func mutatedValidDocumentsNeverCrashAndReachAFixedPoint() {
        var rng = SplitMix64(seed: 0x5EED_0002)
        let seeds = Self.validDocuments.map { Array($0.utf8) }
        var accepted = 0
        for _ in 0..<5_000 {
            var doc = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...4, using: &rng) { rng.mutate(&doc) }
            exerciseEverything(doc)
            if checkFixedPoint(doc) { accepted += 1 }
        }
        // The generator must still produce some parsable documents, or the fixed-point check is idle.
        #expect(accepted > 100)
    }

    @Test func unmutatedDocumentsReachAFixedPoint() {
        for doc in Self.validDocuments {
            _ = checkFixedPoint(Array(doc.utf8))
        }
    }

    @Test func randomResponseStatusRoundTripsThroughJSON() throws {
        var rng = SplitMix64(seed: 0x5EED_0003)
        for iteration in 0..<1_500 {
            let dto = ResponseDTO(responseStatus: rng.status(xml: false), extraMembers: rng.extras(xml: false))
            let jsonStyle = WireStyle(jsonCase: iteration % 2 == 0 ? .pascal : .camel)
            let json = ResponseDTOJSON.encode(dto, style: jsonStyle)
            let decoded = try #require(ResponseDTOJSON.decode(Array(json.utf8)), "\(json)")
            #expect(decoded == dto, "\(json)")
            #expect(ResponseDTOJSON.encode(decoded, style: jsonStyle) == json)
        }
    }

    @Test func randomResponseStatusRoundTripsThroughXML() throws {
        var rng = SplitMix64(seed: 0x5EED_0004)
        for iteration in 0..<1_500 {
            let envelope: ErrorEnvelope = iteration % 3 == 0 ? .errorResponse : .resend
            let dto = ResponseDTO(envelope: envelope, responseStatus: rng.status(xml: true), extraMembers: rng.extras(xml: true))
            let xml = ResponseDTOXML.encode(dto, style: style)
            let decoded = try #require(ResponseDTOXML.decode(Array(xml.utf8), style: style), "\(xml)")
            #expect(decoded == dto, "\(xml)")
            #expect(ResponseDTOXML.encode(decoded, style: style) == xml)
        }
    }

    /// Every entry point, every direction: none may trap, whatever the bytes.
    private func exerciseEverything(_ bytes: [UInt8]) {
        _ = try? XMLReader.parse(bytes)
        _ = try? JSONReader.parse(bytes)
        _ = try? RequestBodyFields.decode(bytes, format: .json, style: style)
        _ = try? RequestBodyFields.decode(bytes, format: .xml, style: style)
        for from in WireFormat.allCases {
            for to in WireFormat.allCases {
                _ = DTOTranslation.translateResponse(body: bytes, from: from, to: to, style: style, scrubDebug: true)
            }
        }
    }

    /// If a body decodes as a response DTO, encoding it and decoding again gives the same model
    /// (XML: unless the text holds a CR, which XML line-end handling turns into LF by design).
    private func checkFixedPoint(_ bytes: [UInt8]) -> Bool {
        var decodedAny = false
        if let dto = ResponseDTOXML.decode(bytes, style: style) {
            decodedAny = true
            let once = ResponseDTOXML.encode(dto, style: style)
            if !once.unicodeScalars.contains("\r") {
                #expect(ResponseDTOXML.decode(Array(once.utf8), style: style) == dto, "\(once)")
            }
        }
        if let dto = ResponseDTOJSON.decode(bytes) {
            decodedAny = true
            let once = ResponseDTOJSON.encode(dto, style: style)
            var expected = dto
            expected.extraMembers.removeAll { $0.value == .null }
            #expect(ResponseDTOJSON.decode(Array(once.utf8)) == expected, "\(once)")
        }
        return decodedAny
    }

    static let validDocuments: [String] = [
        WireSamples.seedRequest, WireSamples.seedResponse, WireSamples.successXML, WireSamples.typedErrorXML,
        WireSamples.bindingErrorXML, WireSamples.bindingErrorJSON, WireSamples.customErrorCamelJSON,
        #"{"ConnectionRequestId":"2f1e0d9c8b7a4695a4b3c2d1e0f9a8b7","ContactId":"00112233445566778899aabbccddeeff"}"#,
        #"{"responseStatus":{"errorCode":"E","message":"a\"\\\u00e9\ud83d\ude00","stackTrace":"t","errors":[{"fieldName":"f","meta":{"k":"v"}}],"meta":{"InnerMessages":"x"}},"n":-1.5e3,"b":false}"#,
        #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>"#,
        "<a xmlns:p='urn:p' p:x='&amp;&#x41;'><![CDATA[c]]><!--k--><?p i?><p:b/></a>",
    ]
}

/// SplitMix64: tiny, fast, good enough for test inputs, and the same sequence on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static let markup = Array(#"<>/?!&;#x"'=[]{}:,\-. abcnulrtefi0123456789DOCTYPEuU"#.utf8)
    static let tokens: [[UInt8]] = [
        "<", "</a>", "<a>", "/>", "&amp;", "&#x0;", "&#xD800;", "&e;", "<!DOCTYPE a>", "<!--", "-->", "]]>", "<![CDATA[",
        "\"", "'", "{", "}", "[", "]", ",", ":", "\\u", "\\uD800", "\\\"", "null", "1e999", "xmlns:p=\"u\"", " p:a='1'",
        " i:nil=\"true\"", " xmlns=\"\"", "\r\n", "\u{FEFF}", "é", "😀",
    ].map { Array($0.utf8) } + [[0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xFF], [0x00], [0x01]]

    mutating func interestingByte() -> UInt8 {
        switch Int.random(in: 0..<10, using: &self) {
        case 0..<6: Self.markup[Int.random(in: 0..<Self.markup.count, using: &self)]
        case 6..<8: UInt8.random(in: 0x20...0x7E, using: &self)
        default: UInt8.random(in: 0...255, using: &self)
        }
    }

    mutating func mutate(_ doc: inout [UInt8]) {
        let position = Int.random(in: 0...doc.count, using: &self)
        switch Int.random(in: 0..<6, using: &self) {
        case 0 where position < doc.count:
            doc[position] = interestingByte()
        case 1:
            doc.insert(contentsOf: Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &self)], at: position)
        case 2:
            let end = min(doc.count, position + Int.random(in: 1...8, using: &self))
            doc.removeSubrange(position..<end)
        case 3:
            let end = min(doc.count, position + Int.random(in: 1...40, using: &self))
            doc.insert(contentsOf: Array(doc[position..<end]), at: position)
        case 4:
            doc.removeSubrange(position..<doc.count)
        default:
            doc.insert(interestingByte(), at: position)
        }
    }

    static let jsonScalars: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "<", ">", "&", "'", "]", "\n", "\r", "\t",
                                                "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "é", "中", "\u{FFFF}", "\u{FFFE}", "😀", "\u{2028}"]
    static let xmlScalars: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "<", ">", "&", "'", "]", "\n", "\t", ";", "#", "é", "中", "😀", "\u{FFFD}", "\u{7F}"]

    mutating func string(xml: Bool) -> String {
        let alphabet = xml ? Self.xmlScalars : Self.jsonScalars
        var text = ""
        for _ in 0..<Int.random(in: 0...12, using: &self) {
            text.unicodeScalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &self)])
        }
        return text
    }

    mutating func maybe(xml: Bool) -> String? {
        Bool.random(using: &self) ? string(xml: xml) : nil
    }

    mutating func dictionary(xml: Bool) -> [(key: String, value: String)]? {
        guard Int.random(in: 0..<3, using: &self) > 0 else { return nil }
        var entries: [(key: String, value: String)] = []
        var folded: Set<String> = []
        for _ in 0..<Int.random(in: 0...3, using: &self) {
            let key = string(xml: xml)
            guard folded.insert(key.lowercased()).inserted else { continue }
            entries.append((key, string(xml: xml)))
        }
        return entries
    }

    mutating func status(xml: Bool) -> ResponseStatus? {
        guard Int.random(in: 0..<8, using: &self) > 0 else { return nil }
        var errors: [ResponseError] = []
        for _ in 0..<Int.random(in: 0...3, using: &self) {
            errors.append(ResponseError(errorCode: maybe(xml: xml), fieldName: maybe(xml: xml), message: maybe(xml: xml), meta: dictionary(xml: xml)))
        }
        return ResponseStatus(errorCode: maybe(xml: xml), message: maybe(xml: xml), stackTrace: maybe(xml: xml), errors: errors, meta: dictionary(xml: xml))
    }

    /// Kept unknown members as the decoders produce them: PascalCase NCNames, unique ignoring case;
    /// JSON never yields null ones (omitted on output), XML only text or null.
    mutating func extras(xml: Bool) -> [ExtraMember] {
        var members: [ExtraMember] = []
        var folded: Set<String> = ["responsestatus"]
        for _ in 0..<Int.random(in: 0...2, using: &self) {
            let letters = (0..<Int.random(in: 1...6, using: &self)).map { _ in Character(Unicode.Scalar(UInt8.random(in: 0x61...0x7A, using: &self))) }
            let name = String(letters).prefix(1).uppercased() + String(letters.dropFirst())
            guard folded.insert(name.lowercased()).inserted else { continue }
            let value: ExtraMember.Value = switch Int.random(in: 0..<3, using: &self) {
            case 0: .string(string(xml: xml))
            case 1: xml ? .null : .number(String(Int.random(in: -999...999, using: &self)))
            default: xml ? .string(string(xml: xml)) : .bool(Bool.random(using: &self))
            }
            members.append(ExtraMember(name: name, value: value))
        }
        return members
    }
}
