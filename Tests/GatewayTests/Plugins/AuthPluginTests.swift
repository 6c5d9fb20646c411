import Foundation
import Gateway
import JWTKit
import Testing

@Suite("Authentication through a live gateway")
struct AuthPluginTests {
    static let key = "crm-7f3a9c1e5b2d4a6f8e0c"
    static let otherKey = "billing-0a1b2c3d4e5f6a7b"
    static let keyTables = """
        [[auth.api_keys]]
        name = "crm"
        sha256 = "\(AuthTestSupport.sha256(key).map { String(format: "%02x", $0) }.joined())"

        [[auth.api_keys]]
        name = "billing"
        sha256 = "\(AuthTestSupport.sha256(otherKey).map { String(format: "%02x", $0) }.joined())"
        """
    static let apiKeyMode = ["auth": ["mode = \"api_key\""]]

    @Test func anonymousResendGets401WhateverElseIsWrongAndNothingReachesTheUpstream() async throws {
        try await withGateway(sections: Self.apiKeyMode, tables: Self.keyTables) { gateway in
            for path in [Fixtures.resendPath(), "/api/connectionrequests/abc/resend?ContactId=xyz"] {
                let response = await gateway.client.send("POST", gateway.base + path, headers: ["Accept: application/json"])
                #expect(response.status == 401)
                #expect(response.header("WWW-Authenticate") == "Bearer realm=\"resend-gateway\"")
                #expect(response.body == #"{"ResponseStatus":{"ErrorCode":"Unauthorized","Message":"Not Authenticated","Errors":[]}}"#)
            }
            let wrong = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: ["Authorization: Bearer not-a-key"])
            #expect(wrong.status == 401)
            #expect(gateway.records.last?.record.decision == .unauthorized)
            let report = try await gateway.sent()
            #expect(report.requests == 1)
        }
    }

    @Test(arguments: [
        "Authorization: Bearer \(key)", "X-Api-Key: \(key)", "Authorization: Basic \(Data("\(key):".utf8).base64EncodedString())",
    ])
    func everyPresentationOfAKeyIsAcceptedAndNeverForwarded(_ header: String) async throws {
        try await withGateway(sections: Self.apiKeyMode, tables: Self.keyTables) { gateway in
            let response = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: [header])
            #expect(response.status == 200)
            #expect(gateway.records.last?.exchange.principal == "crm")
            let last = try EchoedRequest.decode(await gateway.client.send("GET", gateway.stubBase + "/__stub/last").body)
            #expect(last.value("Authorization") == nil)
            #expect(last.value("X-Api-Key") == nil)
        }
    }

    @Test func passthroughIsNotAuthenticatedAndNeverCarriesAGatewayKey() async throws {
        try await withGateway(sections: Self.apiKeyMode, tables: Self.keyTables) { gateway in
            let anonymous = await gateway.client.send("GET", gateway.base + "/api/contacts")
            #expect(anonymous.status == 200)
            let withKey = await gateway.client.send("GET", gateway.base + "/api/contacts", headers: ["Authorization: Bearer \(Self.otherKey)", "X-Api-Key: \(Self.key)"])
            let echoed = try EchoedRequest.decode(withKey.body)
            #expect(echoed.value("Authorization") == nil)
            #expect(echoed.value("X-Api-Key") == nil)
            let upstreamToken = await gateway.client.send("GET", gateway.base + "/api/contacts", headers: ["Authorization: Bearer upstream-session"])
            #expect(try EchoedRequest.decode(upstreamToken.body).value("Authorization") == "Bearer upstream-session")
        }
    }

    @Test func replaceSendsTheConfiguredCredentialOnResendsOnly() async throws {
        let sections = ["auth": ["mode = \"api_key\"", "upstream_credentials = \"replace\"", "upstream_authorization_env = \"UPSTREAM_AUTH\""]]
        try await withGateway(sections: sections, tables: Self.keyTables, environment: ["UPSTREAM_AUTH": "Bearer service-account"]) { gateway in
            let response = await gateway.client.send("POST", gateway.base + Fixtures.resendPath(), headers: ["X-Api-Key: \(Self.key)"])
            #expect(response.status == 200)
            let last = try EchoedRequest.decode(await gateway.client.send("GET", gateway.stubBase + "/__stub/last").body)
            #expect(last.values("Authorization") == ["Bearer service-account"])
            let passthrough = await gateway.client.send("GET", gateway.base + "/api/contacts")
            #expect(try EchoedRequest.decode(passthrough.body).value("Authorization") == nil)
        }
    }

    @Test func jwtModeAcceptsAValidTokenAndRefusesExpiredOrUnsignedOnes() async throws {
        let secret = JWTFixtures.secret
        let sections = ["auth": ["mode = \"jwt\""]]
        let tables = """
            [auth.jwt]
            hs256_secret_env = "JWT_SECRET"
            issuer = "\(JWTFixtures.issuer)"
            audience = "\(JWTFixtures.audience)"
            """
        try await withGateway(sections: sections, tables: tables, environment: ["JWT_SECRET": secret]) { gateway in
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: Array(secret.utf8)), digestAlgorithm: .sha256)
            func token(expiresIn seconds: TimeInterval) async throws -> String {
                let claims = TestClaims(
                    exp: ExpirationClaim(value: Date().addingTimeInterval(seconds)), nbf: nil, iss: IssuerClaim(value: JWTFixtures.issuer),
                    sub: SubjectClaim(value: "user-7"), aud: AudienceClaim(value: [JWTFixtures.audience]))
                return try await keys.sign(claims)
            }
            let valid = await gateway.client.send("GET", gateway.base + Fixtures.resendPath(), headers: ["Authorization: Bearer \(try await token(expiresIn: 300))"])
            #expect(valid.status == 200)
            #expect(gateway.records.last?.exchange.principal == "\(JWTFixtures.issuer)|user-7")
            let expired = await gateway.client.send("GET", gateway.base + Fixtures.resendPath(), headers: ["Authorization: Bearer \(try await token(expiresIn: -300))"])
            #expect(expired.status == 401)
            let unsigned = AuthTestSupport.base64URL(#"{"alg":"none","typ":"JWT"}"#) + "." + AuthTestSupport.base64URL(#"{"sub":"x","exp":4102444800}"#) + "."
            #expect(await gateway.client.send("GET", gateway.base + Fixtures.resendPath(), headers: ["Authorization: Bearer \(unsigned)"]).status == 401)
            let report = try await gateway.sent()
            #expect(report.total == 1)
        }
    }

    @Test func forwardModeNeedsACredentialAndPassesItOn() async throws {
        try await withGateway(sections: ["auth": ["mode = \"forward\""]]) { gateway in
            #expect(await gateway.client.send("GET", gateway.base + Fixtures.resendPath()).status == 401)
            let response = await gateway.client.send("GET", gateway.base + Fixtures.resendPath(), headers: ["Cookie: ss-id=Zx8Kq2LmN4pR7tV9wY1b"])
            #expect(response.status == 200)
            #expect(gateway.records.last?.exchange.principal?.hasPrefix("fwd:") == true)
            let last = try EchoedRequest.decode(await gateway.client.send("GET", gateway.stubBase + "/__stub/last").body)
            #expect(last.value("Cookie") == "ss-id=Zx8Kq2LmN4pR7tV9wY1b")
        }
    }

    /// Claims relative to the real clock (the live gateway checks against it).
    static func claims(expiresIn: TimeInterval = 300, notBefore: TimeInterval? = nil, issuer: String = JWTFixtures.issuer, audience: String = JWTFixtures.audience) -> TestClaims {
        TestClaims(
            exp: ExpirationClaim(value: Date().addingTimeInterval(expiresIn)), nbf: notBefore.map { NotBeforeClaim(value: Date().addingTimeInterval($0)) },
            iss: IssuerClaim(value: issuer), sub: SubjectClaim(value: "user-9"), aud: AudienceClaim(value: [audience]))
    }

    @Test func jwksModeRefusesEveryForgeryAndTheUpstreamSeesNone() async throws {
        let jwks = try JWTFixtures.temporaryFile(try JWTFixtures.jwksJSON())
        let tables = """
            [auth.jwt]
            jwks_file = "\(jwks)"
            issuer = "\(JWTFixtures.issuer)"
            audience = "\(JWTFixtures.audience)"
            leeway = "5s"
            """
        try await withGateway(sections: ["auth": ["mode = \"jwt\""]], tables: tables) { gateway in
            func status(_ token: String) async -> Int {
                await gateway.client.send("POST", gateway.base + Fixtures.resendPath(Fixtures.guid()), headers: ["Authorization: Bearer \(token)"]).status
            }
            #expect(await status(try await JWTFixtures.rs256(Self.claims())) == 200)
            #expect(await status(try await JWTFixtures.es256(Self.claims())) == 200)
            let refused = [
                try await JWTFixtures.rs256(Self.claims(expiresIn: -60)),
                try await JWTFixtures.rs256(Self.claims(notBefore: 120)),
                try await JWTFixtures.rs256(Self.claims(issuer: "https://evil.test")),
                try await JWTFixtures.rs256(Self.claims(audience: "someone-else")),
                try await JWTFixtures.es256(Self.claims(), key: JWTFixtures.ec2, kid: "ec-1"),
                try await JWTFixtures.hs256(Self.claims(), key: Array(try JWTFixtures.rsa.get().publicKey.pemRepresentation.utf8), kid: "rsa-1"),
                try await JWTFixtures.hs256(Self.claims()),
            ]
            for token in refused { #expect(await status(token) == 401) }
            let report = try await gateway.sent()
            #expect(report.total == 2, "refused calls never reach the upstream")
        }
    }
}
