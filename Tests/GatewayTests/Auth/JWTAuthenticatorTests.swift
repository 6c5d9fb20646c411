import Crypto
import Foundation
import HTTPTypes
import JWTKit
import Testing
import _CryptoExtras
@testable import Gateway

/// The claims a test token carries; absent ones are left out of the JSON.
struct TestClaims: JWTPayload {
    var exp: ExpirationClaim?
    var nbf: NotBeforeClaim?
    var iss: IssuerClaim?
    var sub: SubjectClaim?
    var aud: AudienceClaim?
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Keys made once per test run: an RSA-2048 key and two P-256 keys, and a JWKS file with their
/// public halves (kids `rsa-1`, `ec-1`, `ec-2`).
enum JWTFixtures {
    static let secret = "hs256-test-secret-0123456789abcdef-0123456789abcdef-0123456789ab"
    static let issuer = "https://issuer.test"
    static let audience = "resend-gateway"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let rsa: Result<JWTKit.Insecure.RSA.PrivateKey, any Error> = Result {
        try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
    }
    static let ec1 = ES256PrivateKey()
    static let ec2 = ES256PrivateKey()

    static func jwksJSON() throws -> String {
        let rsaPublic = try rsa.get().publicKey.getKeyPrimitives()
        guard let p1 = ec1.publicKey.parameters, let p2 = ec2.publicKey.parameters else {
            throw JWTSetupError("test EC key has no parameters")
        }
        let n = AuthTestSupport.base64URL(rsaPublic.modulus)
        let e = AuthTestSupport.base64URL(rsaPublic.publicExponent)
        return """
        {"keys":[
          {"kty":"RSA","kid":"rsa-1","use":"sig","alg":"RS256","n":"\(n)","e":"\(e)"},
          {"kty":"EC","kid":"ec-1","crv":"P-256","x":"\(p1.x)","y":"\(p1.y)"},
          {"kty":"EC","kid":"ec-2","alg":"ES256","crv":"P-256","x":"\(p2.x)","y":"\(p2.y)"}
        ]}
        """
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("auth-test-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func claims(exp: TimeInterval? = 300, nbf: TimeInterval? = nil, iss: String? = issuer, sub: String? = "user-1",
                       aud: [String]? = [audience]) -> TestClaims {
        TestClaims(exp: exp.map { ExpirationClaim(value: now.addingTimeInterval($0)) },
                   nbf: nbf.map { NotBeforeClaim(value: now.addingTimeInterval($0)) },
                   iss: iss.map { IssuerClaim(value: $0) }, sub: sub.map { SubjectClaim(value: $0) },
                   aud: aud.map { AudienceClaim(value: $0) })
    }

    static func hs256(_ claims: TestClaims, key: [UInt8] = Array(secret.utf8), kid: String? = nil) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: key), digestAlgorithm: .sha256)
        return try await keys.sign(claims, kid: kid.map { JWKIdentifier(string: $0) })
    }

    static func rs256(_ claims: TestClaims, kid: String? = "rsa-1") async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(rsa: try rsa.get(), digestAlgorithm: .sha256)
        return try await keys.sign(claims, kid: kid.map { JWKIdentifier(string: $0) })
    }

    static func es256(_ claims: TestClaims, key: ES256PrivateKey = ec1, kid: String? = "ec-1") async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key)
        return try await keys.sign(claims, kid: kid.map { JWKIdentifier(string: $0) })
    }

    /// A token assembled by hand: any header, any payload, an HMAC-SHA256 signature under `hmacKey`
    /// (or `signature` as given).
    static func handMade(header: String, payload: String, hmacKey: [UInt8]? = nil, signature: [UInt8] = []) -> String {
        let input = AuthTestSupport.base64URL(header) + "." + AuthTestSupport.base64URL(payload)
        var sig = signature
        if let hmacKey {
            sig = Array(HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: hmacKey)))
        }
        return input + "." + AuthTestSupport.base64URL(sig)
    }

    static func validPayloadJSON() -> String {
        #"{"exp":\#(Int(now.timeIntervalSince1970) + 300),"iss":"\#(issuer)","sub":"user-1","aud":"\#(audience)"}"#
    }
}

@Suite("JWT authentication")
struct JWTAuthenticatorTests {
    typealias F = JWTFixtures

    static let notAllowed = AuthOutcome.rejected(reason: "token algorithm not allowed for the configured key source")
    static let badSignature = AuthOutcome.rejected(reason: "bad token signature")
    static let malformed = AuthOutcome.rejected(reason: "malformed token")
    static let accepted = AuthOutcome.authenticated(principal: "\(JWTFixtures.issuer)|user-1")

    func config(secret: Bool = true, jwksFile: String? = nil, issuer: String? = F.issuer,
                audience: String? = F.audience, leeway: Duration = .seconds(30)) -> JWTConfig {
        JWTConfig(hs256Secret: secret ? .environment("GW_JWT_SECRET") : nil, jwksFile: jwksFile,
                  issuer: issuer, audience: audience, leeway: leeway)
    }

    func hsAuthenticator(issuer: String? = F.issuer, leeway: Duration = .seconds(30)) throws -> JWTAuthenticator {
        try JWTAuthenticator(config: config(issuer: issuer, leeway: leeway), environment: ["GW_JWT_SECRET": F.secret])
    }

    func jwksAuthenticator() throws -> JWTAuthenticator {
        let path = try F.temporaryFile(try F.jwksJSON())
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try JWTAuthenticator(config: config(secret: false, jwksFile: path), environment: [:])
    }

    func bearer(_ token: String) -> HTTPFields { AuthTestSupport.headers([("Authorization", "Bearer \(token)")]) }

    // MARK: accepted

    @Test("HS256 with the configured secret is accepted; principal is iss|sub")
    func hs256Accepted() async throws {
        let token = try await F.hs256(F.claims())
        let hsAuth = try hsAuthenticator()
        #expect(await hsAuth.authenticate(bearer(token), now: F.now) == Self.accepted)
        let other = try await F.hs256(F.claims(sub: "someone-else"))
        #expect(await hsAuth.authenticate(bearer(other), now: F.now) == .authenticated(principal: "\(F.issuer)|someone-else"))
    }

    @Test("RS256 and ES256 signed by JWKS keys are accepted")
    func jwksAccepted() async throws {
        let auth = try jwksAuthenticator()
        let token1 = try await F.rs256(F.claims())
        #expect(await auth.authenticate(bearer(token1), now: F.now) == Self.accepted)
        let token2 = try await F.es256(F.claims())
        #expect(await auth.authenticate(bearer(token2), now: F.now) == Self.accepted)
        let token3 = try await F.es256(F.claims(), key: F.ec2, kid: "ec-2")
        #expect(await auth.authenticate(bearer(token3), now: F.now) == Self.accepted)
    }

    @Test("kid: unknown, naming a key of the other type, or absent when ambiguous are refused")
    func kidSelection() async throws {
        let auth = try jwksAuthenticator()
        let unknownKid = AuthOutcome.rejected(reason: "token kid matches no configured key")
        let token1 = try await F.rs256(F.claims(), kid: "rsa-9")
        #expect(await auth.authenticate(bearer(token1), now: F.now) == unknownKid)
        let token2 = try await F.rs256(F.claims(), kid: "ec-1")
        #expect(await auth.authenticate(bearer(token2), now: F.now) == unknownKid)
        // Without a kid: the only RSA key is used; two EC keys make it ambiguous.
        let token3 = try await F.rs256(F.claims(), kid: nil)
        #expect(await auth.authenticate(bearer(token3), now: F.now) == Self.accepted)
        let token4 = try await F.es256(F.claims(), kid: nil)
        #expect(await auth.authenticate(bearer(token4), now: F.now) == unknownKid)
        // ec-2's signature under ec-1's kid.
        let token5 = try await F.es256(F.claims(), key: F.ec2, kid: "ec-1")
        #expect(await auth.authenticate(bearer(token5), now: F.now) == Self.badSignature)
    }

    @Test("the ss-tok cookie is accepted; where the token comes from")
    func tokenPlacement() async throws {
        let auth = try hsAuthenticator()
        let token = try await F.hs256(F.claims())
        let other = try await F.hs256(F.claims(sub: "user-2"))
        typealias T = AuthTestSupport
        #expect(await auth.authenticate(T.headers([("Cookie", "a=b; ss-tok=\(token)")]), now: F.now) == Self.accepted)
        #expect(await auth.authenticate(T.headers([("authorization", "bEaReR  \(token) ")]), now: F.now) == Self.accepted)
        #expect(await auth.authenticate(T.headers([("Authorization", "Bearer \(token)"), ("Cookie", "ss-tok=\(token)")]), now: F.now) == Self.accepted)
        #expect(await auth.authenticate(T.headers([("Authorization", "Bearer \(token)"), ("Cookie", "ss-tok=\(other)")]), now: F.now)
            == .rejected(reason: "credential headers carry different tokens"))
        #expect(await auth.authenticate(T.headers([("Authorization", "Bearer \(token)"), ("Authorization", "Bearer \(other)")]), now: F.now)
            == .rejected(reason: "credential headers carry different tokens"))
        #expect(await auth.authenticate(T.headers([]), now: F.now) == .missing)
        #expect(await auth.authenticate(T.headers([("Cookie", "ss-id=abc; SS-TOK=\(token)")]), now: F.now) == .missing)
        #expect(await auth.authenticate(T.headers([("Authorization", "Basic \(T.base64("a:b"))")]), now: F.now)
            == .rejected(reason: "Authorization scheme is not Bearer"))
        #expect(await auth.authenticate(T.headers([("Authorization", "Bearer")]), now: F.now) == .rejected(reason: "empty Bearer credential"))
    }

    // MARK: time

    @Test("exp and nbf are checked with the leeway, both ways", arguments: [
        // (exp offset, nbf offset, rejection reason or nil if accepted) with a 30 s leeway, relative to `now`.
        (-31.0, nil, "token expired"), (-30.0, nil, "token expired"), (-29.0, nil, nil), (1.0, nil, nil),
        (300.0, 31.0, "token not yet valid (nbf)"), (300.0, 29.0, nil), (300.0, 30.0, nil), (300.0, -3600.0, nil),
    ] as [(Double, Double?, String?)])
    func leeway(exp: Double, nbf: Double?, reason: String?) async throws {
        let token = try await F.hs256(F.claims(exp: exp, nbf: nbf))
        let outcome = try await hsAuthenticator().authenticate(bearer(token), now: F.now)
        #expect(outcome == (reason.map { AuthOutcome.rejected(reason: $0) } ?? Self.accepted))
    }

    @Test("with no leeway, exp is exclusive and nbf inclusive; reasons say which")
    func noLeeway() async throws {
        let auth = try hsAuthenticator(leeway: .zero)
        let token1 = try await F.hs256(F.claims(exp: 0))
        #expect(await auth.authenticate(bearer(token1), now: F.now) == .rejected(reason: "token expired"))
        let token2 = try await F.hs256(F.claims(exp: 1))
        #expect(await auth.authenticate(bearer(token2), now: F.now) == Self.accepted)
        let token3 = try await F.hs256(F.claims(nbf: 0))
        #expect(await auth.authenticate(bearer(token3), now: F.now) == Self.accepted)
        let token4 = try await F.hs256(F.claims(nbf: 1))
        #expect(await auth.authenticate(bearer(token4), now: F.now) == .rejected(reason: "token not yet valid (nbf)"))
    }

    @Test("exp is required")
    func missingExp() async throws {
        let token = try await F.hs256(F.claims(exp: nil))
        let hsAuth = try hsAuthenticator()
        #expect(await hsAuth.authenticate(bearer(token), now: F.now) == .rejected(reason: "token has no exp"))
    }

    // MARK: iss, aud, sub

    @Test("iss must equal the configured issuer")
    func issuer() async throws {
        let wrongIssuer = AuthOutcome.rejected(reason: "token issuer is not the configured issuer")
        let auth = try hsAuthenticator()
        let token1 = try await F.hs256(F.claims(iss: "https://evil.test"))
        #expect(await auth.authenticate(bearer(token1), now: F.now) == wrongIssuer)
        let token2 = try await F.hs256(F.claims(iss: "https://issuer.test/"))
        #expect(await auth.authenticate(bearer(token2), now: F.now) == wrongIssuer)
        let token3 = try await F.hs256(F.claims(iss: nil))
        #expect(await auth.authenticate(bearer(token3), now: F.now) == wrongIssuer)
        // No issuer configured: any issuer, and the principal still names it.
        let open = try hsAuthenticator(issuer: nil)
        let token4 = try await F.hs256(F.claims(iss: "https://other.test"))
        #expect(await open.authenticate(bearer(token4), now: F.now)
            == .authenticated(principal: "https://other.test|user-1"))
    }

    @Test("aud must contain the configured audience, as a string or in an array")
    func audience() async throws {
        let wrongAudience = AuthOutcome.rejected(reason: "token audience does not include the configured audience")
        let auth = try hsAuthenticator()
        let token1 = try await F.hs256(F.claims(aud: ["other"]))
        #expect(await auth.authenticate(bearer(token1), now: F.now) == wrongAudience)
        let token2 = try await F.hs256(F.claims(aud: ["Resend-Gateway"]))
        #expect(await auth.authenticate(bearer(token2), now: F.now) == wrongAudience)
        let token3 = try await F.hs256(F.claims(aud: ["a", "b"]))
        #expect(await auth.authenticate(bearer(token3), now: F.now) == wrongAudience)
        let token4 = try await F.hs256(F.claims(aud: nil))
        #expect(await auth.authenticate(bearer(token4), now: F.now) == wrongAudience)
        let token5 = try await F.hs256(F.claims(aud: ["other", F.audience]))
        #expect(await auth.authenticate(bearer(token5), now: F.now) == Self.accepted)
        // A single audience is encoded as a plain string.
        let single = try await F.hs256(F.claims(aud: [F.audience]))
        let payload = try #require(single.split(separator: ".").dropFirst().first)
        #expect(AuthBase64.decode(payload, urlSafe: true).map { String(decoding: $0, as: UTF8.self) }?.contains(#""aud":"resend-gateway""#) == true)
        #expect(await auth.authenticate(bearer(single), now: F.now) == Self.accepted)
    }

    @Test("sub is required")
    func missingSub() async throws {
        let auth = try hsAuthenticator()
        let token1 = try await F.hs256(F.claims(sub: nil))
        #expect(await auth.authenticate(bearer(token1), now: F.now) == .rejected(reason: "token has no sub"))
        let token2 = try await F.hs256(F.claims(sub: ""))
        #expect(await auth.authenticate(bearer(token2), now: F.now) == .rejected(reason: "token has no sub"))
    }

    // MARK: signatures and algorithms

    @Test("a bad signature is refused")
    func badSignature() async throws {
        let auth = try hsAuthenticator()
        let otherSecret = try await F.hs256(F.claims(), key: Array("another-secret-0123456789abcdef-0123456789abcdef-0123456789abcd".utf8))
        #expect(await auth.authenticate(bearer(otherSecret), now: F.now) == Self.badSignature)
        // A valid signature over another payload (sub changed).
        let valid = try await F.hs256(F.claims()).split(separator: ".")
        let forged = try await F.hs256(F.claims(sub: "admin")).split(separator: ".")
        #expect(await auth.authenticate(bearer("\(valid[0]).\(forged[1]).\(valid[2])"), now: F.now) == Self.badSignature)
        let jwks = try jwksAuthenticator()
        let rs = try await F.rs256(F.claims()).split(separator: ".")
        let rsForged = try await F.rs256(F.claims(sub: "admin")).split(separator: ".")
        #expect(await jwks.authenticate(bearer("\(rs[0]).\(rsForged[1]).\(rs[2])"), now: F.now) == Self.badSignature)
    }

    @Test("alg none is refused whatever the key source", arguments: ["none", "None", "NONE"])
    func algNone(alg: String) async throws {
        let unsigned = F.handMade(header: #"{"alg":"\#(alg)","typ":"JWT"}"#, payload: F.validPayloadJSON())
        let withJunkSignature = F.handMade(header: #"{"alg":"\#(alg)"}"#, payload: F.validPayloadJSON(), signature: [1, 2, 3])
        for auth in [try hsAuthenticator(), try jwksAuthenticator()] {
            #expect(await auth.authenticate(bearer(unsigned), now: F.now) == Self.malformed)
            #expect(await auth.authenticate(bearer(withJunkSignature), now: F.now) == Self.notAllowed)
        }
    }

    @Test("HS256 signed with the RSA public key is refused when configured for JWKS (RS/HS confusion)")
    func rsHsConfusion() async throws {
        let auth = try jwksAuthenticator()
        let publicKey = try F.rsa.get().publicKey
        let primitives = try publicKey.getKeyPrimitives()
        for keyBytes in [Array(publicKey.pemRepresentation.utf8), Array(publicKey.derRepresentation), Array(primitives.modulus)] {
            for kid in ["rsa-1", nil] as [String?] {
                let token = try await F.hs256(F.claims(), key: keyBytes, kid: kid)
                #expect(await auth.authenticate(bearer(token), now: F.now) == Self.notAllowed)
            }
        }
        // The same with a hand-made header, as an attacker would write it.
        let handMade = F.handMade(header: #"{"alg":"HS256","kid":"rsa-1"}"#, payload: F.validPayloadJSON(),
                                  hmacKey: Array(publicKey.pemRepresentation.utf8))
        #expect(await auth.authenticate(bearer(handMade), now: F.now) == Self.notAllowed)
    }

    @Test("RS256 and ES256 tokens are refused when configured for HS256")
    func asymmetricWithSecret() async throws {
        let auth = try hsAuthenticator()
        let token1 = try await F.rs256(F.claims())
        #expect(await auth.authenticate(bearer(token1), now: F.now) == Self.notAllowed)
        let token2 = try await F.es256(F.claims())
        #expect(await auth.authenticate(bearer(token2), now: F.now) == Self.notAllowed)
    }

    @Test("other algorithms are refused, even with the right key")
    func otherAlgorithms() async throws {
        let hs = try hsAuthenticator()
        for digest in [DigestAlgorithm.sha384, .sha512] {
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: F.secret), digestAlgorithm: digest)
            let token1 = try await keys.sign(F.claims())
            #expect(await hs.authenticate(bearer(token1), now: F.now) == Self.notAllowed)
        }
        // `alg` is case-sensitive: an HS256 signature under "hs256" is not HS256.
        let lower = F.handMade(header: #"{"alg":"hs256"}"#, payload: F.validPayloadJSON(), hmacKey: Array(F.secret.utf8))
        #expect(await hs.authenticate(bearer(lower), now: F.now) == Self.notAllowed)
        let right = F.handMade(header: #"{"alg":"HS256"}"#, payload: F.validPayloadJSON(), hmacKey: Array(F.secret.utf8))
        #expect(await hs.authenticate(bearer(right), now: F.now) == .authenticated(principal: "\(F.issuer)|user-1"))

        let jwks = try jwksAuthenticator()
        let pss = JWTKeyCollection()
        await pss.add(pss: try F.rsa.get(), digestAlgorithm: .sha256, kid: JWKIdentifier(string: "rsa-1"))
        let token2 = try await pss.sign(F.claims(), kid: JWKIdentifier(string: "rsa-1"))
        #expect(await jwks.authenticate(bearer(token2), now: F.now) == Self.notAllowed)
        let rs512 = JWTKeyCollection()
        await rs512.add(rsa: try F.rsa.get(), digestAlgorithm: .sha512, kid: JWKIdentifier(string: "rsa-1"))
        let token3 = try await rs512.sign(F.claims(), kid: JWKIdentifier(string: "rsa-1"))
        #expect(await jwks.authenticate(bearer(token3), now: F.now) == Self.notAllowed)
        let es384 = JWTKeyCollection()
        await es384.add(ecdsa: ES384PrivateKey(), kid: JWKIdentifier(string: "ec-1"))
        let token4 = try await es384.sign(F.claims(), kid: JWKIdentifier(string: "ec-1"))
        #expect(await jwks.authenticate(bearer(token4), now: F.now) == Self.notAllowed)
    }

    @Test("garbage is refused as malformed", arguments: [
        "abc", "a.b", "a.b.c", "a.b.c.d", "..", "...", "a..c",
        "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9.e30", "e30.e30.e30",
        "!!!.@@@.###", "eyJhbGciOiJIUzI1NiJ9.e30.abc=",
        AuthTestSupport.base64URL("not json") + ".e30.AAAA",
        AuthTestSupport.base64URL(#"{"alg":256}"#) + ".e30.AAAA",
        AuthTestSupport.base64URL(#"["HS256"]"#) + ".e30.AAAA",
        AuthTestSupport.base64URL(#"{"alg":"HS256","crit":["exp"]}"#) + ".e30.AAAA",
    ])
    func garbage(token: String) async throws {
        let hsAuth = try hsAuthenticator()
        #expect(await hsAuth.authenticate(bearer(token), now: F.now) == Self.malformed)
        let jwksAuth = try jwksAuthenticator()
        #expect(await jwksAuth.authenticate(bearer(token), now: F.now) == Self.malformed)
    }

    @Test("JWT segments use the base64url alphabet only")
    func jwtAlphabet() async throws {
        let auth = try hsAuthenticator()
        func signed(header: String) -> String {
            let input = header + "." + AuthTestSupport.base64URL(F.validPayloadJSON())
            let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: Array(F.secret.utf8)))
            return input + "." + AuthTestSupport.base64URL(Array(mac))
        }
        // base64 of {"alg":"HS256","x":"~~~"}: standard alphabet has '+', base64url has '-'.
        #expect(await auth.authenticate(bearer(signed(header: "eyJhbGciOiJIUzI1NiIsIngiOiJ-fn4ifQ")), now: F.now) == Self.accepted)
        #expect(await auth.authenticate(bearer(signed(header: "eyJhbGciOiJIUzI1NiIsIngiOiJ+fn4ifQ")), now: F.now) == Self.malformed)
    }

    @Test("a correctly signed payload that is not a claims object is refused", arguments: [
        "not json", "[]", #"{"exp":"tomorrow","iss":"https://issuer.test","sub":"user-1","aud":"resend-gateway"}"#,
        #"{"exp":1800000300,"iss":"https://issuer.test","sub":"user-1","aud":7}"#,
    ])
    func garbagePayload(payload: String) async throws {
        let token = F.handMade(header: #"{"alg":"HS256"}"#, payload: payload, hmacKey: Array(F.secret.utf8))
        let hsAuth = try hsAuthenticator()
        #expect(await hsAuth.authenticate(bearer(token), now: F.now) == Self.malformed)
    }

    @Test("reasons never contain the token")
    func reasonsHideTheToken() async throws {
        let auth = try hsAuthenticator()
        let tokens = [
            try await F.hs256(F.claims(exp: -3600)), try await F.hs256(F.claims(iss: "x")),
            try await F.hs256(F.claims(), key: Array("wrong-secret-0123456789abcdef-0123456789abcdef-0123456789abcdef".utf8)), try await F.rs256(F.claims()), "abc.def.ghi",
        ]
        for token in tokens {
            let outcome = await auth.authenticate(bearer(token), now: F.now)
            guard case .rejected(let reason) = outcome else {
                Issue.record("expected rejected, got \(outcome)")
                continue
            }
            for part in token.split(separator: ".") { #expect(!reason.contains(part)) }
        }
    }
}

@Suite("JWT key source setup")
struct JWTSetupTests {
    typealias F = JWTFixtures

    func make(_ config: JWTConfig, _ environment: [String: String] = [:]) -> JWTSetupError? {
        do {
            _ = try JWTAuthenticator(config: config, environment: environment)
            return nil
        } catch let error as JWTSetupError {
            return error
        } catch {
            return JWTSetupError("unexpected error type \(type(of: error))")
        }
    }

    func config(secret: SecretSource? = nil, jwks: String? = nil, audience: String? = F.audience) -> JWTConfig {
        JWTConfig(hs256Secret: secret, jwksFile: jwks, issuer: F.issuer, audience: audience, leeway: .seconds(30))
    }

    @Test("the HS256 secret may come from a file")
    func secretFile() async throws {
        let path = try F.temporaryFile(F.secret + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let auth = try JWTAuthenticator(config: config(secret: .file(path)), environment: [:])
        let token = try await F.hs256(F.claims())
        #expect(await auth.authenticate(AuthTestSupport.headers([("Authorization", "Bearer \(token)")]), now: F.now)
            == .authenticated(principal: "\(F.issuer)|user-1"))
    }

    @Test("configuration mistakes throw, naming the setting and not the secret")
    func mistakes() throws {
        let env = ["S": F.secret]
        let errors = [
            make(config(secret: .environment("S"), audience: nil), env),
            make(config(secret: .environment("S"), audience: ""), env),
            make(config(), env),
            make(config(secret: .environment("S"), jwks: "/nonexistent/jwks.json"), env),
            make(config(secret: .environment("UNSET"))),
            make(config(secret: .environment("S")), ["S": String(F.secret.prefix(31))]),
            make(config(jwks: "/nonexistent/jwks.json")),
        ]
        for error in errors {
            let error = try #require(error)
            #expect(!error.message.contains(F.secret))
        }
        #expect(errors[0]?.message.contains("audience") == true)
        #expect(errors[4]?.message.contains("UNSET") == true)
        #expect(errors[5]?.message.contains("shorter than 32 bytes") == true)
        #expect(errors[6]?.message.contains("/nonexistent/jwks.json") == true)
        #expect(make(config(secret: .environment("S")), ["S": String(F.secret.prefix(32))]) == nil)
        #expect(make(JWTConfig(hs256Secret: .environment("S"), jwksFile: nil, issuer: nil, audience: F.audience, leeway: .seconds(-1)), env) != nil)
    }

    @Test("JWKS files that cannot pin an algorithm are refused", arguments: [
        "", "[]", "{}", #"{"keys":[]}"#, #"{"keys":"x"}"#,
        #"{"keys":[{"kty":"oct","kid":"k","k":"c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw"}]}"#,  // a symmetric key
        #"{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}]}"#,                  // no kid
        #"{"keys":[{"kty":"EC","kid":"e","crv":"P-384","x":"AAAA","y":"AAAA"}]}"#,        // not P-256
        #"{"keys":[{"kty":"EC","kid":"e","crv":"P-256","x":"AAAA","y":"AAAA"}]}"#,        // not on the curve
        #"{"keys":[{"kty":"RSA","kid":"r","n":"AQAB","e":"AQAB"}]}"#,                     // too short
        #"{"keys":[{"kty":"RSA","kid":"r","e":"AQAB"}]}"#,                                // no modulus
        #"{"keys":[{"kty":"OKP","kid":"o","crv":"Ed25519","x":"AAAA"}]}"#,
    ])
    func badJWKS(json: String) throws {
        let path = try F.temporaryFile(json)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(make(config(jwks: path)))
        #expect(!error.message.contains("c2VjcmV0"))
    }

    @Test("RSA keys shorter than 2048 bits are refused with a clear message")
    func shortRSAKey() throws {
        let modulus = [UInt8(0xC1)] + [UInt8](repeating: 0x5A, count: 126) + [UInt8(0x0B)]   // 1024 bits
        let json = #"{"keys":[{"kty":"RSA","kid":"r","n":"\#(AuthTestSupport.base64URL(modulus))","e":"AQAB"}]}"#
        let path = try F.temporaryFile(json)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(make(config(jwks: path))?.message.contains("shorter than 2048 bits") == true)
    }

    @Test("JWKS keys with a wrong alg, a private part, a non-sig use, or a repeated kid are refused")
    func badJWKSKeys() throws {
        let good = try F.jwksJSON()
        let variants = [
            good.replacingOccurrences(of: #""alg":"RS256""#, with: #""alg":"PS256""#),
            good.replacingOccurrences(of: #""alg":"ES256""#, with: #""alg":"HS256""#),
            good.replacingOccurrences(of: #""kid":"ec-1","#, with: #""kid":"ec-1","d":"c2VjcmV0","#),
            good.replacingOccurrences(of: #""use":"sig""#, with: #""use":"enc""#),
            good.replacingOccurrences(of: #""kid":"ec-2""#, with: #""kid":"ec-1""#),
        ]
        for json in variants {
            #expect(json != good)
            let path = try F.temporaryFile(json)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let error = try #require(make(config(jwks: path)))
            #expect(!error.message.contains("c2VjcmV0"))
        }
        let path = try F.temporaryFile(good)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(make(config(jwks: path)) == nil)
    }
}
