import HTTPTypes
import Testing
@testable import Gateway

@Suite("Forward-mode credentials")
struct ForwardCredentialsTests {
    typealias T = AuthTestSupport

    static let secret = "s3cr3t-V4lue-Zq9"

    @Test("each credential kind ServiceStack accepts is enough", arguments: [
        [("Authorization", "Bearer \(secret)")],
        [("Authorization", "Basic \(AuthTestSupport.base64("user:\(secret)"))")],
        [("Authorization", "Credentials \(secret)")],
        [("Cookie", "ss-id=\(secret)")],
        [("Cookie", "ss-pid=\(secret); ss-opt=perm")],
        [("Cookie", "theme=dark; ss-tok=\(secret)")],
        [("X-ss-id", secret)],
        [("x-SS-PID", secret)],
    ])
    func accepted(headers: [(String, String)]) throws {
        let outcome = ForwardCredentials.authenticate(T.headers(headers))
        guard case .authenticated(let principal) = outcome else {
            Issue.record("expected authenticated, got \(outcome)")
            return
        }
        #expect(principal.hasPrefix("fwd:"))
        let hex = principal.dropFirst(4)
        #expect(hex.count == 16)
        #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(!principal.contains(Self.secret))
    }

    @Test("no credential is missing", arguments: [
        [],
        [("Accept", "application/json")],
        [("Cookie", "theme=dark; ss-opt=perm")],
        [("Cookie", "SS-ID=abc; Ss-Tok=def")],             // cookie names are case-sensitive
        [("Cookie", "ss-id=; ss-pid=")],                   // empty values do not count
        [("Cookie", "ss-id")],                              // no `=`
        [("Cookie", "xss-id=abc; ss-idx=abc")],
        [("Authorization", "  ")],
        [("X-ss-id", "")],
        [("X-ss-opt", "perm"), ("X-ss-reftok", "abc")],
    ])
    func missing(headers: [(String, String)]) {
        #expect(ForwardCredentials.authenticate(T.headers(headers)) == .missing)
    }

    @Test("the principal is stable for one credential and differs between credentials")
    func principal() {
        func principal(_ headers: [(String, String)]) -> AuthOutcome {
            ForwardCredentials.authenticate(T.headers(headers))
        }
        let a = principal([("Cookie", "ss-id=aaa; ss-pid=bbb")])
        #expect(a == principal([("Cookie", "ss-id=aaa; ss-pid=bbb")]))
        // Order of cookies and of cookie lines, and other cookies or headers, do not matter.
        #expect(a == principal([("Cookie", "ss-pid=bbb;ss-id=aaa")]))
        #expect(a == principal([("Cookie", "ss-pid=bbb"), ("Accept", "*/*"), ("Cookie", "theme=x; ss-id=aaa")]))
        // What ServiceStack reads as the same credential is the same principal.
        #expect(a == principal([("X-ss-id", "aaa"), ("x-ss-pid", "bbb")]))
        #expect(a == principal([("X-ss-id", "aaa"), ("Cookie", "ss-id=aaa; ss-pid=bbb")]))
        let token = principal([("Authorization", "Bearer tok")])
        #expect(token == principal([("Authorization", "bearer   tok")]))
        #expect(token == principal([("Cookie", "ss-tok=tok")]))
        #expect(token == principal([("Cookie", "ss-tok=tok"), ("Authorization", "Bearer tok")]))
        // Different credentials, or the same value as another kind of credential, differ.
        let others = [
            a, token,
            principal([("Cookie", "ss-id=aaa; ss-pid=bbc")]),
            principal([("Cookie", "ss-id=aaa")]),
            principal([("Cookie", "ss-id=bbb; ss-pid=aaa")]),
            principal([("Cookie", "ss-id=tok")]),
            principal([("Authorization", "Bearer aaa")]),
            principal([("Authorization", "Basic tok")]),
            principal([("Authorization", "Bearer tok"), ("Cookie", "ss-id=aaa")]),
        ]
        #expect(Set(others.map { "\($0)" }).count == others.count)
    }

    @Test("several Cookie lines are all read")
    func severalCookieLines() {
        let outcome = ForwardCredentials.authenticate(T.headers([("Cookie", "a=1; b=2"), ("Cookie", "c=3;  ss-tok=xyz ")]))
        #expect(outcome == ForwardCredentials.authenticate(T.headers([("Cookie", "ss-tok=xyz")])))
        #expect(outcome != .missing)
    }
}

@Suite("Cookie parsing")
struct RequestCookiesTests {
    @Test("values are found by exact name across lines, in order")
    func values() {
        let headers = AuthTestSupport.headers([
            ("Cookie", "ss-tok=one; SS-TOK=upper; ss-tok2=no"), ("Cookie", "x=y;ss-tok=two=with=equals ;ss-tok="),
        ])
        #expect(RequestCookies.values(named: "ss-tok", in: headers) == ["one", "two=with=equals"])
        #expect(RequestCookies.values(named: "SS-TOK", in: headers) == ["upper"])
        #expect(RequestCookies.values(named: "absent", in: headers) == [])
    }
}
