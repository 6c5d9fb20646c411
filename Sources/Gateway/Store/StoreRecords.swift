/// What the store keeps under an identity or an idempotency key: a claim in one of its phases, and the
/// outcome once there is one. Encoded by `RecordCodec` (a small binary layout: every request reads and
/// writes several of these, and Foundation's JSON coders were a tenth of the gateway's CPU).
struct ClaimRecord: Sendable, Equatable {
    enum Phase: UInt8, Sendable {
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
public struct StoredOutcome: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
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
struct WindowLog: Sendable, Equatable {
    var stamps: [Double]
}

/// GCRA state of one caller or address: the theoretical arrival time.
struct GCRAState: Sendable, Equatable {
    var tat: Double
}

/// A value the store can hold: written and read field by field, behind a version byte.
protocol StoreValue {
    func write(to writer: inout RecordWriter)
    init(from reader: inout RecordReader) throws
}

enum RecordCodec {
    static let version: UInt8 = 1

    static func encode<T: StoreValue>(_ value: T) throws -> [UInt8] {
        var writer = RecordWriter()
        writer.byte(version)
        value.write(to: &writer)
        return writer.bytes
    }

    static func decode<T: StoreValue>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        var reader = RecordReader(bytes: bytes[...])
        guard try reader.byte() == version else { throw StoreError("a stored record has an unknown layout") }
        return try T(from: &reader)
    }
}

struct RecordWriter {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func double(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func int(_ value: Int) { double(Double(value)) }

    mutating func data(_ value: [UInt8]) {
        withUnsafeBytes(of: UInt32(value.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: value)
    }

    mutating func string(_ value: String) { data(Array(value.utf8)) }

    mutating func optional<T>(_ value: T?, _ write: (inout RecordWriter, T) -> Void) {
        guard let value else { return byte(0) }
        byte(1)
        write(&self, value)
    }
}

struct RecordReader {
    var bytes: ArraySlice<UInt8>

    mutating func byte() throws -> UInt8 {
        guard let value = bytes.popFirst() else { throw StoreError("a stored record is truncated") }
        return value
    }

    mutating func double() throws -> Double {
        guard bytes.count >= 8 else { throw StoreError("a stored record is truncated") }
        var bits: UInt64 = 0
        for (shift, value) in bytes.prefix(8).enumerated() { bits |= UInt64(value) << (8 * UInt64(shift)) }
        bytes = bytes.dropFirst(8)
        return Double(bitPattern: bits)
    }

    mutating func int() throws -> Int {
        let value = try double()
        guard let exact = Int(exactly: value) else { throw StoreError("a stored record holds a bad number") }
        return exact
    }

    mutating func data() throws -> [UInt8] {
        guard bytes.count >= 4 else { throw StoreError("a stored record is truncated") }
        var count = 0
        for (shift, value) in bytes.prefix(4).enumerated() { count |= Int(value) << (8 * shift) }
        bytes = bytes.dropFirst(4)
        guard bytes.count >= count else { throw StoreError("a stored record is truncated") }
        defer { bytes = bytes.dropFirst(count) }
        return Array(bytes.prefix(count))
    }

    mutating func string() throws -> String { String(decoding: try data(), as: UTF8.self) }

    mutating func optional<T>(_ read: (inout RecordReader) throws -> T) throws -> T? {
        try byte() == 0 ? nil : read(&self)
    }
}

extension ClaimRecord: StoreValue {
    func write(to writer: inout RecordWriter) {
        writer.byte(phase.rawValue)
        writer.string(token)
        writer.string(identity)
        writer.optional(sentDeadline) { $0.double($1) }
        writer.optional(contactStamp) { $0.double($1) }
        writer.optional(outcome) { $1.write(to: &$0) }
    }

    init(from reader: inout RecordReader) throws {
        guard let phase = Phase(rawValue: try reader.byte()) else { throw StoreError("a stored claim has an unknown phase") }
        self.phase = phase
        token = try reader.string()
        identity = try reader.string()
        sentDeadline = try reader.optional { try $0.double() }
        contactStamp = try reader.optional { try $0.double() }
        outcome = try reader.optional { try StoredOutcome(from: &$0) }
    }
}

extension StoredOutcome: StoreValue {
    func write(to writer: inout RecordWriter) {
        writer.byte(kind.rawValue)
        writer.int(status)
        writer.optional(format) { $0.string($1) }
        writer.optional(contentType) { $0.string($1) }
        writer.data(body)
        writer.optional(code) { $0.string($1) }
        writer.double(windowEnd)
    }

    init(from reader: inout RecordReader) throws {
        guard let kind = Kind(rawValue: try reader.byte()) else { throw StoreError("a stored outcome has an unknown kind") }
        self.kind = kind
        status = try reader.int()
        format = try reader.optional { try $0.string() }
        contentType = try reader.optional { try $0.string() }
        body = try reader.data()
        code = try reader.optional { try $0.string() }
        windowEnd = try reader.double()
    }
}

extension WindowLog: StoreValue {
    func write(to writer: inout RecordWriter) {
        writer.int(stamps.count)
        for stamp in stamps { writer.double(stamp) }
    }

    init(from reader: inout RecordReader) throws {
        let count = try reader.int()
        guard count >= 0, count <= 1_000_000 else { throw StoreError("a stored window is corrupt") }
        stamps = try (0..<count).map { _ in try reader.double() }
    }
}

extension GCRAState: StoreValue {
    func write(to writer: inout RecordWriter) { writer.double(tat) }

    init(from reader: inout RecordReader) throws { tat = try reader.double() }
}
