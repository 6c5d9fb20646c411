import Testing
@testable import Gateway

@Suite("KeyLocator")
struct ConfigKeyLocatorTests {
    static let text = """
    top = 1
    [server]
    listen = "0.0.0.0:8080"   # comment with key = "x"
    "quoted key" = 2
    multi = \"\"\"
    fake = 1
    \"\"\"
    list = [
      "a = b",   # not = a key
      'c',
    ]
    dotted.inner = 3
    [ auth . jwt ]
    audience = "x"
    [[auth.api_keys]]
    name = "a"
    [[auth.api_keys]]
    name = "b"
    sha256 = "c"
    [auth]
    inline = { x = 1 }
    after = 'literal'
    """

    let locator = KeyLocator(text: text)

    @Test func findsKeysAndHeaders() {
        #expect(locator.line(of: "top") == 1)
        #expect(locator.line(of: "server") == 2)
        #expect(locator.line(of: "server.listen") == 3)
        #expect(locator.line(of: ["server", "quoted key"]) == 4)
        #expect(locator.line(of: "server.multi") == 5)
        #expect(locator.line(of: "server.list") == 8)
        #expect(locator.line(of: "server.dotted.inner") == 12)
        #expect(locator.line(of: "auth.jwt.audience") == 14)
        #expect(locator.line(of: "auth.after") == 22)
    }

    @Test func skipsStringsArraysAndComments() {
        #expect(locator.line(of: "server.fake") == 2)  // falls back to [server]
        #expect(locator.line(of: "server.a") == 2)
    }

    @Test func arrayTableOccurrences() {
        let path = ["auth", "api_keys"]
        #expect(locator.line(of: path + ["name"], in: .init(path: path, index: 0)) == 16)
        #expect(locator.line(of: path + ["name"], in: .init(path: path, index: 1)) == 18)
        #expect(locator.line(of: path + ["sha256"], in: .init(path: path, index: 1)) == 19)
        #expect(locator.line(of: path + ["sha256"], in: .init(path: path, index: 0)) == 15)  // its header
    }

    @Test func fallsBackToHeaderThenInlineKeyThenNil() {
        #expect(locator.line(of: "server.missing") == 2)
        #expect(locator.line(of: "auth.inline.x") == 21)
        #expect(locator.line(of: "auth.nothing") == 20)
        #expect(locator.line(of: "nowhere.key") == nil)
    }
}
