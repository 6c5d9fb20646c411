import Foundation

// The JOSE header of a compact JWS, read before any key is chosen: its `alg` must be one the
// configured key source allows (so `alg: none` and HS/RS confusion stop here) and its `kid`
// selects the JWKS key. Nothing in it is trusted beyond that choice.

struct JWTTokenHeader: Sendable, Equatable {
    var algorithm: String
    var kid: String?

    private struct Raw: Decodable {
        var alg: String
        var kid: String?
        var crit: [String]?
    }

    /// nil unless `token` is three non-empty base64url segments whose first is a JSON object with a
    /// string `alg`, an optional string `kid`, and no `crit` (no extension is understood here).
    init?(token: String) {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, segments.allSatisfy({ !$0.isEmpty }) else { return nil }
        guard segments.allSatisfy({ AuthBase64.decode($0, urlSafe: true) != nil }) else { return nil }
        guard let bytes = AuthBase64.decode(segments[0], urlSafe: true),
              let raw = try? JSONDecoder().decode(Raw.self, from: Data(bytes)),
              raw.crit == nil else { return nil }
        algorithm = raw.alg
        kid = raw.kid
    }
}
