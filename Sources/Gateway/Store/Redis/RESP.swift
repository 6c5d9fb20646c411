// RESP2, the Redis wire protocol: the subset the gateway needs to talk to a Redis store, written here
// because no Redis package is available. Replies arrive in arbitrary TCP chunks, so the decoder is
// incremental and never re-reads what it has already seen; it is bounded (line, bulk, array, depth
// and whole-reply limits) so a hostile or broken server cannot make the gateway allocate or recurse
// without limit, and malformed input is an error, never a crash.

/// One RESP2 value: a reply, or (as an array of bulk strings) a command.
public enum RESPValue: Sendable, Equatable {
    case simple(String)
    case error(String)
    case integer(Int64)
    /// nil is the null bulk string (`$-1`), Redis's "no such key".
    case bulk([UInt8]?)
    /// nil is the null array (`*-1`), e.g. an aborted `EXEC`.
    case array([RESPValue]?)

    /// A simple string, or a bulk string that is valid UTF-8.
    public var string: String? {
        switch self {
        case .simple(let text): text
        case .bulk(let bytes?): String(validating: bytes, as: UTF8.self)
        default: nil
        }
    }

    public var int: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The payload of a non-null bulk string.
    public var bytes: [UInt8]? {
        if case .bulk(let bytes?) = self { bytes } else { nil }
    }

    /// The elements of a non-null array.
    public var elements: [RESPValue]? {
        if case .array(let elements?) = self { elements } else { nil }
    }

    public var errorMessage: String? {
        if case .error(let message) = self { message } else { nil }
    }

    public var isNull: Bool { self == .bulk(nil) || self == .array(nil) }
}

/// Why a byte stream is not RESP2 the gateway will accept. After one, the stream is out of step:
/// close the connection.
public struct RESPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case malformed, lineTooLong, bulkTooLong, arrayTooLong, tooDeep, replyTooLarge
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    static func malformed(_ description: String) -> RESPError { RESPError(.malformed, "malformed RESP reply: \(description)") }
}

private let carriageReturn = UInt8(ascii: "\r")
private let lineFeed = UInt8(ascii: "\n")

public enum RESPEncoder {
    /// A command as Redis expects it: an array of bulk strings, so arguments are binary safe.
    public static func command(_ args: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(args.reduce(16) { $0 + $1.count + 16 })
        appendHeader(UInt8(ascii: "*"), Int64(args.count), to: &out)
        for arg in args { appendBulk(arg, to: &out) }
        return out
    }

    /// Same as the byte form, with each argument as its UTF-8 bytes.
    public static func command(_ args: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(args.reduce(16) { $0 + $1.utf8.count + 16 })
        appendHeader(UInt8(ascii: "*"), Int64(args.count), to: &out)
        for arg in args { appendBulk(arg.utf8, to: &out) }
        return out
    }

    /// Any value, as a server would send it (tests, fuzzing, a fake server). CR and LF cannot be
    /// written inside a simple string or error, so they become spaces rather than end the line early
    /// and let the text inject a reply of its own.
    public static func encode(_ value: RESPValue) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    private static func append(_ value: RESPValue, to out: inout [UInt8]) {
        switch value {
        case .simple(let text): appendLine(UInt8(ascii: "+"), text, to: &out)
        case .error(let text): appendLine(UInt8(ascii: "-"), text, to: &out)
        case .integer(let number): appendHeader(UInt8(ascii: ":"), number, to: &out)
        case .bulk(nil): appendHeader(UInt8(ascii: "$"), -1, to: &out)
        case .bulk(let bytes?): appendBulk(bytes, to: &out)
        case .array(nil): appendHeader(UInt8(ascii: "*"), -1, to: &out)
        case .array(let elements?):
            appendHeader(UInt8(ascii: "*"), Int64(elements.count), to: &out)
            for element in elements { append(element, to: &out) }
        }
    }

    private static func appendLine(_ type: UInt8, _ text: String, to out: inout [UInt8]) {
        out.append(type)
        for byte in text.utf8 { out.append(byte == carriageReturn || byte == lineFeed ? UInt8(ascii: " ") : byte) }
        out.append(carriageReturn)
        out.append(lineFeed)
    }

    private static func appendHeader(_ type: UInt8, _ number: Int64, to out: inout [UInt8]) {
        out.append(type)
        out.append(contentsOf: String(number).utf8)
        out.append(carriageReturn)
        out.append(lineFeed)
    }

    private static func appendBulk(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        appendHeader(UInt8(ascii: "$"), Int64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
        out.append(carriageReturn)
        out.append(lineFeed)
    }
}

/// Turns the bytes a server sends into replies: `append` what arrives, then call `next` until nil.
public struct RESPDecoder: Sendable {
    public let maxBulkLength: Int
    public let maxArrayCount: Int
    public let maxDepth: Int
    public let maxLineLength: Int
    /// Bytes one top-level reply may span, nested arrays included: without it, arrays of arrays under
    /// the other limits could still describe a reply of unbounded size.
    public let maxReplyBytes: Int

    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Bytes of the pending line already known to hold no CR or LF, so that a line arriving a byte at
    /// a time is scanned once rather than once per byte. Relative to the line, so compaction keeps it.
    private var lineScanned = 0
    /// A bulk string whose header is consumed and whose payload has not all arrived.
    private var pendingBulk: Int?
    /// Arrays being filled, outermost first: an explicit stack, so nesting costs no call stack and a
    /// half-received array is resumed rather than parsed again.
    private var open: [OpenArray] = []
    private var replyBytes = 0
    /// Errors are sticky: after one, nothing more in the stream can be trusted.
    private var failure: RESPError?

    private struct OpenArray: Sendable {
        var elements: [RESPValue]
        var remaining: Int
    }

    private enum Item {
        case needMore, opened, value(RESPValue)
    }

    public init(
        maxBulkLength: Int = 64 << 20, maxArrayCount: Int = 1_000_000, maxDepth: Int = 16,
        maxLineLength: Int = 64 << 10, maxReplyBytes: Int = 256 << 20
    ) {
        self.maxBulkLength = max(0, maxBulkLength)
        self.maxArrayCount = max(0, maxArrayCount)
        self.maxDepth = max(0, maxDepth)
        self.maxLineLength = max(0, maxLineLength)
        self.maxReplyBytes = max(0, maxReplyBytes)
    }

    /// Bytes received and not yet consumed (a reply partly consumed is still pending: see `isIdle`).
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True between replies: nothing buffered and no reply half-decoded, so the connection can be reused.
    public var isIdle: Bool { bufferedByteCount == 0 && open.isEmpty && pendingBulk == nil && failure == nil }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete reply, or nil until more bytes arrive.
    public mutating func next() throws(RESPError) -> RESPValue? {
        if let failure { throw failure }
        do throws(RESPError) {
            return try step()
        } catch {
            failure = error
            throw error
        }
    }

    /// Moves unread bytes to the front only once at least as many have been read, so each byte is
    /// moved at most once on average however many small replies pass through.
    private mutating func compact() {
        if readIndex == buffer.count {
            // A big bulk reply's buffer is not worth keeping for the life of the connection.
            if buffer.capacity > 1 << 20 { buffer = [] } else { buffer.removeAll(keepingCapacity: true) }
            readIndex = 0
        } else if readIndex >= 4096, readIndex >= buffer.count - readIndex {
            buffer.removeSubrange(..<readIndex)
            readIndex = 0
        }
    }

    private mutating func step() throws(RESPError) -> RESPValue? {
        while true {
            let item = try readItem()
            guard case .value(let value) = item else {
                if case .needMore = item { return nil }
                continue
            }
            var completed: RESPValue? = value
            while let finished = completed, !open.isEmpty {
                let last = open.count - 1
                open[last].elements.append(finished)
                open[last].remaining -= 1
                completed = open[last].remaining == 0 ? .array(open.removeLast().elements) : nil
            }
            if let completed {
                replyBytes = 0
                return completed
            }
        }
    }

    private mutating func readItem() throws(RESPError) -> Item {
        if let length = pendingBulk {
            return try readBulkPayload(length)
        }
        guard readIndex < buffer.count else { return .needMore }
        // Judge the type byte before waiting for a CRLF, so garbage fails at once.
        let type = buffer[readIndex]
        switch type {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "$"), UInt8(ascii: "*"): break
        case _ where Array("_,#!=(%~>|".utf8).contains(type):
            throw .malformed("RESP3 reply type '\(Character(Unicode.Scalar(type)))' is not supported")
        default:
            throw .malformed("unknown reply type byte 0x\(String(type, radix: 16))")
        }
        guard let line = try readLine() else { return .needMore }
        switch type {
        case UInt8(ascii: "+"):
            return .value(.simple(String(decoding: buffer[line], as: UTF8.self)))
        case UInt8(ascii: "-"):
            return .value(.error(String(decoding: buffer[line], as: UTF8.self)))
        case UInt8(ascii: ":"):
            return .value(.integer(try decimal(line, "integer")))
        case UInt8(ascii: "$"):
            guard let length = try length(line, limit: maxBulkLength, .bulkTooLong, "bulk string") else {
                return .value(.bulk(nil))
            }
            guard replyBytes <= maxReplyBytes - length - 2 else {
                throw RESPError(.replyTooLarge, "RESP reply exceeds \(maxReplyBytes) bytes")
            }
            pendingBulk = length
            return try readBulkPayload(length)
        default:
            guard let count = try length(line, limit: maxArrayCount, .arrayTooLong, "array") else {
                return .value(.array(nil))
            }
            if count == 0 { return .value(.array([])) }
            guard open.count < maxDepth else {
                throw RESPError(.tooDeep, "RESP arrays nest deeper than \(maxDepth)")
            }
            // The count is only a claim: reserve a little, let real elements grow the array.
            var elements: [RESPValue] = []
            elements.reserveCapacity(min(count, 1024))
            open.append(OpenArray(elements: elements, remaining: count))
            return .opened
        }
    }

    /// The line after the type byte, without its CRLF, consuming both; nil until the CRLF arrives.
    private mutating func readLine() throws(RESPError) -> Range<Int>? {
        let start = readIndex + 1
        var index = start + lineScanned
        // A CR may sit at most maxLineLength bytes after the start.
        let scanEnd = start + min(buffer.count - start, maxLineLength + 1)
        while index < scanEnd {
            let byte = buffer[index]
            if byte == carriageReturn {
                guard index + 1 < buffer.count else { break }
                guard buffer[index + 1] == lineFeed else { throw .malformed("CR not followed by LF") }
                lineScanned = 0
                try consume(index + 2 - readIndex)
                return start..<index
            }
            if byte == lineFeed { throw .malformed("LF without CR") }
            index += 1
        }
        lineScanned = index - start
        if lineScanned > maxLineLength {
            throw RESPError(.lineTooLong, "RESP line longer than \(maxLineLength) bytes")
        }
        return nil
    }

    private mutating func readBulkPayload(_ length: Int) throws(RESPError) -> Item {
        let available = buffer.count - readIndex
        if available > length, buffer[readIndex + length] != carriageReturn {
            throw .malformed("bulk string longer than its length")
        }
        guard available >= length + 2 else { return .needMore }
        guard buffer[readIndex + length + 1] == lineFeed else { throw .malformed("bulk string not followed by CRLF") }
        let payload = Array(buffer[readIndex..<readIndex + length])
        pendingBulk = nil
        try consume(length + 2)
        return .value(.bulk(payload))
    }

    private mutating func consume(_ count: Int) throws(RESPError) {
        readIndex += count
        replyBytes += count
        if replyBytes > maxReplyBytes {
            throw RESPError(.replyTooLarge, "RESP reply exceeds \(maxReplyBytes) bytes")
        }
    }

    /// A bulk or array length: nil for -1 (null); any other negative, or one over `limit`, throws.
    private func length(_ line: Range<Int>, limit: Int, _ kind: RESPError.Kind, _ what: String) throws(RESPError) -> Int? {
        let value = try decimal(line, "\(what) length")
        if value == -1 { return nil }
        guard value >= 0, buffer[line.lowerBound] != UInt8(ascii: "-") else {
            throw .malformed("negative \(what) length")
        }
        guard value <= Int64(limit) else { throw RESPError(kind, "RESP \(what) longer than \(limit)") }
        return Int(value)
    }

    /// A signed decimal that fits in 64 bits: digits with an optional leading '-', nothing else.
    private func decimal(_ line: Range<Int>, _ what: String) throws(RESPError) -> Int64 {
        var index = line.lowerBound
        let negative = index < line.upperBound && buffer[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < line.upperBound else { throw .malformed("empty \(what)") }
        var value: Int64 = 0
        while index < line.upperBound {
            let digit = buffer[index] &- UInt8(ascii: "0")
            guard digit < 10 else { throw .malformed("\(what) is not a decimal number") }
            // Accumulate towards the sign so that Int64.min parses too.
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative
                ? shifted.subtractingReportingOverflow(Int64(digit))
                : shifted.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { throw .malformed("\(what) does not fit in 64 bits") }
            value = next
            index += 1
        }
        return value
    }
}
