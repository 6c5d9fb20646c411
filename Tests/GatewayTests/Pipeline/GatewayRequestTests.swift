import Gateway
import HTTPTypes
import NIOCore
import Testing

@Suite("Request target: path and query")
struct GatewayRequestTests {
    func request(_ target: String) -> GatewayRequest {
        GatewayRequest(method: "GET", target: target, headers: [:], body: ByteBuffer(), remoteAddress: nil)
    }

    @Test func thePathEndsAtTheFirstQuestionMark() {
        let withQuery = request("/api/x?a=1?b=2")
        #expect(withQuery.path == "/api/x")
        #expect(withQuery.query == "a=1?b=2")
        let empty = request("/api/x?")
        #expect(empty.path == "/api/x")
        #expect(empty.query == "")
        let none = request("/api/x")
        #expect(none.path == "/api/x")
        #expect(none.query == nil)
    }

    @Test func aRewrittenTargetIsReadAfresh() {
        var rewritten = request("/a?ContactId=1")
        rewritten.target = "/longer/path/than/before"
        #expect(rewritten.path == "/longer/path/than/before")
        #expect(rewritten.query == nil)
        rewritten.target = "/b?x=y"
        #expect(rewritten.path == "/b")
        #expect(rewritten.query == "x=y")
    }

    @Test func headersAreFoundByNameWhateverTheirCase() throws {
        var fields = HTTPFields()
        fields.append(HTTPField(name: try #require(HTTPField.Name("USER-AGENT")), value: "probe/1"))
        fields.append(HTTPField(name: try #require(HTTPField.Name("content-type")), value: "application/json"))
        let request = GatewayRequest(method: "GET", target: "/", headers: fields, body: ByteBuffer(), remoteAddress: nil)
        #expect(request.header(.userAgent) == "probe/1")
        #expect(request.header(.contentType) == "application/json")
        #expect(request.header(.referer) == nil)
    }
}
