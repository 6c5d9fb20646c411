import Gateway
import Testing

/// XMLReader on its own: what it accepts, and every refusal kind (DTD/XXE/billion laughs, entities,
/// namespaces, UTF-8, XML 1.0 characters, bounds).
@Suite("XMLReader: strict XML 1.0 for DTO bodies")
struct XMLReaderTests {
    @Test func predefinedEntitiesCharacterReferencesAndCDATA() throws {
        let root = try XMLReader.parse("<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x1F600;<![CDATA[<x>&amp;]]>é</a>")
        #expect(root.text == "<>&'\"AB😀<x>&amp;é")
    }

    @Test func commentsProcessingInstructionsAndDeclarationAreSkipped() throws {
        let doc = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<!-- c --><?pi data?>\n<a><!--x-->t<?p?>u</a><!--e--> <?q?>\n"
        let root = try XMLReader.parse(doc)
        #expect(root == XMLElement(name: "a", namespace: nil, text: "tu"))
    }

    @Test func lineEndsAndAttributeWhitespaceAreNormalised() throws {
        let root = try XMLReader.parse("<a b=\"x\ty\r\nz\" c='&#9;'>1\r\n2\r3</a>")
        #expect(root.text == "1\n2\n3")
        #expect(root.attribute("b") == "x y z")
        #expect(root.attribute("c") == "\t")
    }

    @Test func namespacesResolveToURIs() throws {
        let doc = #"<r xmlns="urn:d" xmlns:p="urn:p"><p:x p:a="1" b="2" xml:lang="en"/><y xmlns=""><z/></y><p:w xmlns:p="urn:q"/></r>"#
        let root = try XMLReader.parse(doc)
        #expect(root.namespace == "urn:d")
        #expect(root.attributes.isEmpty)
        let x = root.children[0]
        #expect(x.name == "x" && x.namespace == "urn:p")
        #expect(x.attribute("a", namespace: "urn:p") == "1")
        #expect(x.attribute("b") == "2")
        #expect(x.attribute("lang", namespace: "http://www.w3.org/XML/1998/namespace") == "en")
        #expect(root.children[1].namespace == nil && root.children[1].children[0].namespace == nil)
        #expect(root.children[2].namespace == "urn:q")
    }

    @Test func xxeIsRefusedAtTheDoctype() {
        let doc = #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#
        #expect(kind(doc) == .doctypeRefused)
        #expect(offset(doc) == 21)
    }

    @Test func billionLaughsIsRefusedBeforeAnyExpansion() {
        var doc = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        for level in 1...9 {
            doc += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">"
        }
        doc += "]><lolz>&lol9;</lolz>"
        #expect(kind(doc) == .doctypeRefused)
        #expect(offset(doc) == 21)
        // Without the DTD the reference is simply undefined.
        #expect(kind("<lolz>&lol9;</lolz>") == .undefinedEntity)
    }

    @Test(arguments: [
        ("<!DOCTYPE a><a/>", XMLError.Kind.doctypeRefused),
        ("<a><!ENTITY e 'x'></a>", .doctypeRefused),
        ("<a/><!DOCTYPE a>", .doctypeRefused),
        ("<a>&nbsp;</a>", .undefinedEntity),
        ("<a b='&e;'/>", .undefinedEntity),
        ("<a>&amp</a>", .malformed),
        ("<a>&#xD800;</a>", .invalidCharacter),
        ("<a>&#1;</a>", .invalidCharacter),
        ("<a>&#0;</a>", .invalidCharacter),
        ("<a>&#xFFFE;</a>", .invalidCharacter),
        ("<a>&#99999999999;</a>", .invalidCharacter),
        ("<a>&#;</a>", .malformed),
        ("<a>\u{1}</a>", .invalidCharacter),
        ("<a>\u{FFFF}</a>", .invalidCharacter),
        ("<a></b>", .mismatchedTag),
        ("<a><b></a></b>", .mismatchedTag),
        ("<p:a/>", .unboundPrefix),
        ("<a p:b='1'/>", .unboundPrefix),
        ("<a b='1' b='2'/>", .duplicateAttribute),
        ("<a xmlns:p='u' xmlns:q='u' p:b='1' q:b='2'/>", .duplicateAttribute),
        ("<a xmlns:p=''/>", .badNamespaceDeclaration),
        ("<a xmlns:xml='urn:x'/>", .badNamespaceDeclaration),
        ("<a xmlns:xmlns='urn:x'/>", .badNamespaceDeclaration),
        ("<a:b:c xmlns:a='u'/>", .malformed),
        ("<a/><b/>", .multipleRoots),
        ("x<a/>", .textOutsideRoot),
        ("<a/>x", .textOutsideRoot),
        ("", .noRoot),
        ("  <!-- only -->", .noRoot),
        ("<a>", .unexpectedEnd),
        ("<a", .unexpectedEnd),
        ("<a b=1/>", .malformed),
        ("<a b='1'c='2'/>", .malformed),
        ("<a b='<'/>", .malformed),
        ("<a>]]></a>", .malformed),
        ("<a><!-- a -- b --></a>", .malformed),
        ("<a><?xml version='1.0'?></a>", .malformed),
        ("<?xml version='2.0'?><a/>", .malformed),
        ("<?xml version='1.0' encoding='ISO-8859-1'?><a/>", .unsupportedEncoding),
        ("<?xml version='1.0' encoding='UTF-16'?><a/>", .unsupportedEncoding),
        (" <?xml version='1.0'?><a/>", .malformed),
        ("<a><![CDATA[x</a>", .unexpectedEnd),
        ("<1a/>", .malformed),
        ("< a/>", .malformed),
    ])
    func refuses(_ doc: String, _ expected: XMLError.Kind) {
        #expect(kind(doc) == expected, "\(doc)")
    }

    @Test(arguments: [
        [0xC0, 0xAF] as [UInt8],        // overlong '/'
        [0xE0, 0x80, 0xAF],             // overlong
        [0xED, 0xA0, 0x80],             // encoded surrogate
        [0xE2, 0x82],                   // truncated
        [0xF5, 0x80, 0x80, 0x80],       // above U+10FFFF
        [0xF4, 0x90, 0x80, 0x80],       // above U+10FFFF
        [0x80],                         // lone continuation
        [0xFF],
    ])
    func refusesInvalidUTF8(_ bad: [UInt8]) {
        let doc = Array("<a>".utf8) + bad + Array("</a>".utf8)
        #expect(throws: XMLError(.invalidUTF8, at: 3)) { try XMLReader.parse(doc) }
    }

    @Test func depthIsBounded() throws {
        func nested(_ depth: Int) -> String { String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth) }
        #expect(throws: Never.self) { try XMLReader.parse(nested(32)) }
        #expect(kind(nested(33)) == .tooDeep)
        #expect(kind(String(repeating: "<a>", count: 200_000)) == .tooDeep)
    }

    @Test func elementCountAndSizeAreBounded() throws {
        func flat(_ count: Int) -> String { "<r>" + String(repeating: "<a/>", count: count - 1) + "</r>" }
        #expect(throws: Never.self) { try XMLReader.parse(flat(10_000)) }
        #expect(kind(flat(10_001)) == .tooManyElements)
        let big = "<a>" + String(repeating: "x", count: 100) + "</a>"
        #expect(throws: XMLError.self) { try XMLReader.parse(big, limits: XMLLimits(maxBytes: 50)) }
        #expect(throws: Never.self) { try XMLReader.parse(big, limits: XMLLimits(maxBytes: 107)) }
        let attributes = "<a " + (0..<65).map { "a\($0)='1'" }.joined(separator: " ") + "/>"
        #expect(kind(attributes) == .tooManyAttributes)
    }

    private func kind(_ doc: String) -> XMLError.Kind? {
        do {
            _ = try XMLReader.parse(doc)
            return nil
        } catch {
            return error.kind
        }
    }

    private func offset(_ doc: String) -> Int? {
        do {
            _ = try XMLReader.parse(doc)
            return nil
        } catch {
            return error.offset
        }
    }
}
