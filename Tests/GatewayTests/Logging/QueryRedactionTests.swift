import Testing
@testable import Gateway

@Suite("Query redaction in the access log")
struct QueryRedactionTests {
    @Test(arguments: [
        ("/p", "/p"),
        ("/p?", "/p?"),
        ("/p?a=1&b=2", "/p?a=1&b=2"),
        ("/p?ApiKey=s3cret", "/p?ApiKey=REDACTED"),
        ("/p?a=1&APIKEY=x&b=2&apikey", "/p?a=1&APIKEY=REDACTED&b=2&apikey=REDACTED"),
        ("/p?%61pikey=x=y&&token=t", "/p?%61pikey=REDACTED&&token=REDACTED"),
        ("/p?caf%C3%A9=1&apikey=%20", "/p?caf%C3%A9=1&apikey=REDACTED"),
        ("/p?x=a?b&apikey=1", "/p?x=a?b&apikey=REDACTED"),
        ("/p?apikeys=1&apike=2&ApiKey+=3&TOKEN=4", "/p?apikeys=1&apike=2&ApiKey+=3&TOKEN=REDACTED"),
        ("/p?to\u{212A}en=1&to%E2%84%AAen=2", "/p?to\u{212A}en=REDACTED&to%E2%84%AAen=REDACTED"),
    ])
    func namedParametersLoseTheirValues(target: String, logged: String) {
        #expect(QueryRedaction.redact(target, names: ["apikey", "token"]) == logged)
    }

    @Test func nothingToRedactLeavesTheTargetAsSent() {
        #expect(QueryRedaction.redact("/p?ApiKey=1", names: []) == "/p?ApiKey=1")
    }
}
