import HTTPTypes
import Testing
@testable import Gateway

@Suite("API key authentication")
struct APIKeyAuthenticatorTests {
    typealias T = AuthTestSupport

    let auth = APIKeyAuthenticator(keys: [
        APIKeyEntry(name: "crm", sha256: T.sha256("crm-key-0001")),
        APIKeyEntry(name: "billing", sha256: T.sha256("billing-key-0002")),
        APIKeyEntry(name: "ops", sha256: T.sha256("ops-key-0003")),
    ])

    @Test("each presentation form maps to its key's name", arguments: [
        ("crm-key-0001", "crm"), ("billing-key-0002", "billing"), ("ops-key-0003", "ops"),
    ])
    func forms(key: String, name: String) {
        let forms: [[(String, String)]] = [
            [("Authorization", "Bearer \(key)")],
            [("Authorization", "Basic \(T.base64(key + ":"))")],
            [("X-Api-Key", key)],
        ]
        for form in forms {
            #expect(auth.authenticate(T.headers(form)) == .authenticated(principal: name))
        }
    }

    @Test("scheme names and header names are case-insensitive; padding optional")
    func caseInsensitiveSchemes() {
        let variants: [[(String, String)]] = [
            [("authorization", "bearer crm-key-0001")],
            [("Authorization", "BEARER   crm-key-0001  ")],
            [("Authorization", "bAsIc \(T.base64("crm-key-0001:"))")],
            [("Authorization", "Basic \(T.base64("crm-key-0001:").replacingOccurrences(of: "=", with: ""))")],
            [("x-api-key", " crm-key-0001 ")],
        ]
        for headers in variants {
            #expect(auth.authenticate(T.headers(headers)) == .authenticated(principal: "crm"))
        }
    }

    @Test("the same key sent in several headers is accepted")
    func agreeingHeaders() {
        let headers = T.headers([("Authorization", "Bearer ops-key-0003"), ("X-Api-Key", "ops-key-0003"), ("X-Api-Key", "ops-key-0003")])
        #expect(auth.authenticate(headers) == .authenticated(principal: "ops"))
    }

    @Test("wrong keys are rejected, and the reason never echoes them", arguments: [
        "crm-key-0002", "crm-key-000", "crm-key-00011", "CRM-KEY-0001", "x", String(repeating: "k", count: 4096),
    ])
    func wrongKey(key: String) {
        for headers in [[("Authorization", "Bearer \(key)")], [("X-Api-Key", key)], [("Authorization", "Basic \(T.base64(key + ":"))")]] {
            let outcome = auth.authenticate(T.headers(headers))
            guard case .rejected(let reason) = outcome else {
                Issue.record("expected rejected, got \(outcome)")
                continue
            }
            #expect(!reason.contains(key))
        }
    }

    @Test("no credential header is missing")
    func missing() {
        #expect(auth.authenticate(T.headers([])) == .missing)
        #expect(auth.authenticate(T.headers([("Accept", "application/json"), ("Cookie", "ss-id=abc")])) == .missing)
    }

    @Test("empty credentials are rejected", arguments: [
        [("Authorization", "")], [("Authorization", "Bearer")], [("Authorization", "Bearer   ")],
        [("Authorization", "Basic")], [("Authorization", "Basic \(AuthTestSupport.base64(":"))")],
        [("X-Api-Key", "")], [("X-Api-Key", "   ")],
    ])
    func empty(headers: [(String, String)]) {
        // Even a (mistaken) configured digest of the empty string must not let an empty credential in.
        let withEmptyKey = APIKeyAuthenticator(keys: [APIKeyEntry(name: "empty", sha256: T.sha256(""))])
        #expect(isRejected(withEmptyKey.authenticate(T.headers(headers))))
        #expect(isRejected(auth.authenticate(T.headers(headers))))
    }

    @Test("Basic with a non-empty password is rejected, even with a valid key")
    func basicWithPassword() {
        let outcome = auth.authenticate(T.headers([("Authorization", "Basic \(T.base64("crm-key-0001:secret"))")]))
        #expect(outcome == .rejected(reason: "Basic credential has a password"))
    }

    @Test("malformed Basic credentials are rejected", arguments: [
        "Basic %%%", "Basic Y3JtLWtleS0wMDAxOg=====", "Basic Y3JtLWtleS0wMDAxOg======", "Basic Y3JtLWtleS0wMDAx=Og==", "Basic Y3Jt LWtleS0wMDAxOg==", "Basic Y",
        "Basic \(AuthTestSupport.base64("crm-key-0001"))",   // no colon
        "Basic \(AuthTestSupport.base64URL("crm-key-0001:?>?"))",  // URL-safe alphabet is not Basic
    ])
    func malformedBasic(value: String) {
        #expect(isRejected(auth.authenticate(T.headers([("Authorization", value)]))))
    }

    @Test("Basic uses the standard base64 alphabet only")
    func basicAlphabet() {
        let auth = APIKeyAuthenticator(keys: [APIKeyEntry(name: "tilde", sha256: T.sha256("~~~"))])
        #expect(T.base64("~~~:") == "fn5+Og==")
        #expect(auth.authenticate(T.headers([("Authorization", "Basic fn5+Og==")])) == .authenticated(principal: "tilde"))
        #expect(auth.authenticate(T.headers([("Authorization", "Basic fn5-Og==")])) == .rejected(reason: "malformed Basic credential"))
    }

    @Test("credential headers that disagree are rejected, even when one key is valid", arguments: [
        [("Authorization", "Bearer crm-key-0001"), ("X-Api-Key", "billing-key-0002")],
        [("X-Api-Key", "crm-key-0001"), ("X-Api-Key", "nope")],
        [("Authorization", "Bearer crm-key-0001"), ("Authorization", "Basic \(AuthTestSupport.base64("ops-key-0003:"))")],
        [("Authorization", "Bearer nope"), ("X-Api-Key", "crm-key-0001")],
    ])
    func conflicting(headers: [(String, String)]) {
        #expect(auth.authenticate(T.headers(headers)) == .rejected(reason: "credential headers carry different keys"))
    }

    @Test("another Authorization scheme alone is rejected; beside a valid X-Api-Key it is not a key")
    func otherScheme() {
        #expect(isRejected(auth.authenticate(T.headers([("Authorization", "Digest username=\"crm-key-0001\"")]))))
        let both = T.headers([("Authorization", "Digest abc"), ("X-Api-Key", "billing-key-0002")])
        #expect(auth.authenticate(both) == .authenticated(principal: "billing"))
    }

    @Test("a configured digest of the wrong length never matches")
    func badDigestEntry() {
        let digest = T.sha256("k1")
        let auth = APIKeyAuthenticator(keys: [
            APIKeyEntry(name: "broken", sha256: Array(digest.prefix(16))),
            APIKeyEntry(name: "empty", sha256: []),
            APIKeyEntry(name: "good", sha256: digest),
        ])
        #expect(auth.authenticate(T.headers([("X-Api-Key", "k1")])) == .authenticated(principal: "good"))
        #expect(isRejected(APIKeyAuthenticator(keys: [APIKeyEntry(name: "empty", sha256: [])]).authenticate(T.headers([("X-Api-Key", "")]))))
        #expect(isRejected(APIKeyAuthenticator(keys: []).authenticate(T.headers([("X-Api-Key", "k1")]))))
    }

    @Test("a digest that differs from the key's in any one byte does not match")
    func everyByteCompared() {
        let digest = T.sha256("k1")
        for position in 0..<32 {
            var near = digest
            near[position] ^= 0x01
            let auth = APIKeyAuthenticator(keys: [APIKeyEntry(name: "near", sha256: near)])
            #expect(auth.authenticate(T.headers([("X-Api-Key", "k1")])) == .rejected(reason: "unknown API key"), "byte \(position)")
            #expect(!auth.isGatewayKey(authorization: "Bearer k1"))
        }
    }

    @Test("every configured key is compared: the last and the first of many both match")
    func everyEntryCompared() {
        let many = (0..<50).map { APIKeyEntry(name: "key-\($0)", sha256: T.sha256("secret-\($0)")) }
        let auth = APIKeyAuthenticator(keys: many)
        #expect(auth.authenticate(T.headers([("X-Api-Key", "secret-0")])) == .authenticated(principal: "key-0"))
        #expect(auth.authenticate(T.headers([("X-Api-Key", "secret-49")])) == .authenticated(principal: "key-49"))
        // Two entries with one digest (check-config refuses this): the first one's name is used.
        let twice = APIKeyAuthenticator(keys: [APIKeyEntry(name: "first", sha256: T.sha256("k")), APIKeyEntry(name: "second", sha256: T.sha256("k"))])
        #expect(twice.authenticate(T.headers([("X-Api-Key", "k")])) == .authenticated(principal: "first"))
    }

    @Test("isGatewayKey recognises configured keys in Bearer and Basic form only")
    func gatewayKey() {
        #expect(auth.isGatewayKey(authorization: "Bearer crm-key-0001"))
        #expect(auth.isGatewayKey(authorization: "bearer  billing-key-0002 "))
        #expect(auth.isGatewayKey(authorization: "Basic \(T.base64("ops-key-0003:"))"))
        #expect(auth.isGatewayKey(authorization: "BASIC \(T.base64("ops-key-0003:with-a-password"))"))
        #expect(!auth.isGatewayKey(authorization: "Bearer crm-key-0002"))
        #expect(!auth.isGatewayKey(authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc"))
        #expect(!auth.isGatewayKey(authorization: "Basic \(T.base64("user:password"))"))
        #expect(!auth.isGatewayKey(authorization: "Basic !!!"))
        #expect(!auth.isGatewayKey(authorization: "Digest crm-key-0001"))
        #expect(!auth.isGatewayKey(authorization: "crm-key-0001"))
        #expect(!auth.isGatewayKey(authorization: ""))
        #expect(!auth.isGatewayKey(authorization: "Bearer"))
    }

    private func isRejected(_ outcome: AuthOutcome) -> Bool {
        if case .rejected = outcome { return true }
        return false
    }
}
