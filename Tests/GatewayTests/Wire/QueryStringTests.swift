import Testing
@testable import Gateway

@Suite("Query strings")
struct QueryStringTests {
    @Test func pairsSplitOnAmpersandAndTheFirstEqualsSign() {
        let pairs = QueryString.pairs("a=1&&b=x=y&c&=v&d=")
        #expect(pairs.map(\.name) == ["a", "b", "c", "", "d"])
        #expect(pairs.map(\.value) == ["1", "x=y", "", "v", ""])
        #expect(QueryString.pairs(nil).isEmpty)
        #expect(QueryString.pairs("").isEmpty)
    }

    @Test func decodingPlusPercentAndBadEscapes() {
        #expect(QueryString.decode("a+b%20c") == "a b c")
        #expect(QueryString.decode("%7e%7E") == "~~")
        #expect(QueryString.decode("100%") == "100%")
        #expect(QueryString.decode("%zz%4") == "%zz%4")
        #expect(QueryString.decode("caf%C3%A9") == "caf\u{e9}")
        #expect(QueryString.decode("%FF") == "\u{FFFD}")
        #expect(QueryString.decode("caf\u{e9}") == "caf\u{e9}")
    }

    @Test func namesMatchCaseInsensitivelyEncodedOrNot() {
        let query: Substring = "FORMAT=xml&%66ormat=json&Format&callback=f&caf%C3%A9=1"
        #expect(QueryString.values(named: "format", in: query) == ["xml", "json", ""])
        #expect(QueryString.firstValue(named: "Callback", in: query) == "f")
        #expect(QueryString.firstValue(named: "caf\u{e9}", in: query) == "1")
        #expect(QueryString.firstValue(named: "missing", in: query) == nil)
    }

    @Test func aQueryOfNonASCIITextSplitsOnlyOnItsDelimiters() {
        let pairs = QueryString.pairs("n\u{e9}=\u{1F600}&\u{301}x=&\u{0}=\u{0}")
        #expect(pairs.map(\.name) == ["n\u{e9}", "\u{301}x", "\u{0}"])
        #expect(pairs.map(\.value) == ["\u{1F600}", "", "\u{0}"])
    }
}
