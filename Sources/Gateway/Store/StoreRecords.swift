import Foundation

/// What the store keeps under an identity or an idempotency key: a claim in one of its phases, and the
/// outcome once there is one. Encoded as JSON: small, versioned by `store.key_prefix`, readable with
/// the sqlite3 shell when an operator needs to look.
struct ClaimRecord: Codable, Sendable, Equatable {
    enum Phase: String, Codable, Sendable {
        /// Claimed, not yet handed to the upstream; expires quickly if its holder dies.
        case claimed
        /// Handed to the upstream: if it expires, the outcome is unknown, never free.
        case sent
        case completed
        case unknown
    }

    var phase: Phase
    /// Who holds the claim: only the holder may mark it sent or complete it.
    var token: String
    /// The identity the claim is for (an idempotency key must not be reused for another).
    var identity: String
    /// When a `sent` claim turns into outcome-unknown.
    var sentDeadline: Double?
    /// The per-contact stamp taken at admission, so a refund removes exactly it.
    var contactStamp: Double?
    var outcome: StoredOutcome?
}

/// A stored answer: status and body, replayed in whichever format the repeat asks for. Only status,
/// Content-Type and body are kept — never cookies or other headers.
public struct StoredOutcome: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// An upstream answer, relayed or replayed as it came.
        case response
        /// The gateway's own outcome-unknown error (502 `UpstreamOutcomeUnknown` / 504 `UpstreamTimeout`).
        case outcomeUnknown
    }

    public var kind: Kind
    public var status: Int
    /// The wire format of `body` when it is a ServiceStack DTO ("json"/"xml"), nil when opaque.
    public var format: String?
    public var contentType: String?
    public var body: [UInt8]
    /// The gateway error code for `outcomeUnknown`.
    public var code: String?
    /// When the record stops being replayed (store clock): `Retry-After` of unknown outcomes counts down to it.
    public var windowEnd: Double

    public init(kind: Kind, status: Int, format: String?, contentType: String?, body: [UInt8], code: String? = nil, windowEnd: Double = 0) {
        self.kind = kind
        self.status = status
        self.format = format
        self.contentType = contentType
        self.body = body
        self.code = code
        self.windowEnd = windowEnd
    }
}

/// The admission stamps of one contact inside the current window (strict rolling window).
struct WindowLog: Codable, Sendable, Equatable {
    var stamps: [Double]
}

/// GCRA state of one caller or address: the theoretical arrival time.
struct GCRAState: Codable, Sendable, Equatable {
    var tat: Double
}

enum RecordCodec {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try JSONEncoder().encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw StoreError("a stored record could not be read: \(error)")
        }
    }
}
