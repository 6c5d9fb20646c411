import Testing
@testable import Gateway

@Suite("RESP2 codec")
struct RESPTests {
    // MARK: encoding

    @Test func commandsAreArraysOfBulkStrings() {
        #expect(RESPEncoder.command(["SET", "k", "v"]) == bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"))
        #expect(RESPEncoder.command(["GET", "é"]) == bytes("*2\r\n$3\r\nGET\r\n$2\r\né\r\n"))
        #expect(RESPEncoder.command([String]()) == bytes("*0\r\n"))
        let binary: [[UInt8]] = [bytes("SET"), [0x00, 0x0D, 0x0A, 0xFF], []]
        #expect(RESPEncoder.command(binary) == bytes("*3\r\n$3\r\nSET\r\n$4\r\n") + [0x00, 0x0D, 0x0A, 0xFF] + bytes("\r\n$0\r\n\r\n"))
    }

    @Test func everyValueEncodesAsAServerWouldSendIt() {
        #expect(RESPEncoder.encode(.simple("OK")) == bytes("+OK\r\n"))
        #expect(RESPEncoder.encode(.error("ERR no")) == bytes("-ERR no\r\n"))
        #expect(RESPEncoder.encode(.integer(-42)) == bytes(":-42\r\n"))
        #expect(RESPEncoder.encode(.integer(.min)) == bytes(":-9223372036854775808\r\n"))
        #expect(RESPEncoder.encode(.bulk(nil)) == bytes("$-1\r\n"))
        #expect(RESPEncoder.encode(.bulk([])) == bytes("$0\r\n\r\n"))
        #expect(RESPEncoder.encode(.array(nil)) == bytes("*-1\r\n"))
        #expect(RESPEncoder.encode(.array([])) == bytes("*0\r\n"))
        #expect(RESPEncoder.encode(.array([.integer(1), .array([.bulk(bytes("a"))])])) == bytes("*2\r\n:1\r\n*1\r\n$1\r\na\r\n"))
        // A line break inside a simple string would end it early and smuggle in a reply of its own.
        #expect(RESPEncoder.encode(.simple("a\r\n+b")) == bytes("+a  +b\r\n"))
    }

    // MARK: decoding

    @Test func everyTypeDecodes() throws {
        #expect(try decodeAll("+OK\r\n") == [.simple("OK")])
        #expect(try decodeAll("+\r\n") == [.simple("")])
        #expect(try decodeAll("-WRONGTYPE Operation\r\n") == [.error("WRONGTYPE Operation")])
        #expect(try decodeAll(":0\r\n:-1\r\n:9223372036854775807\r\n:-9223372036854775808\r\n")
            == [.integer(0), .integer(-1), .integer(.max), .integer(.min)])
        #expect(try decodeAll("$5\r\nhello\r\n$0\r\n\r\n$-1\r\n") == [.bulk(bytes("hello")), .bulk([]), .bulk(nil)])
        #expect(try decodeAll("*-1\r\n*0\r\n") == [.array(nil), .array([])])
        #expect(try decodeAll("*3\r\n:1\r\n*2\r\n$1\r\nx\r\n*0\r\n$-1\r\n")
            == [.array([.integer(1), .array([.bulk(bytes("x")), .array([])]), .bulk(nil)])])
        // Bulk strings are binary safe: CRLF inside is payload, not a line end.
        #expect(try decodeAll(bytes("$6\r\n") + [0x0D, 0x0A, 0x00, 0xFF, 0x0D, 0x0A] + bytes("\r\n"))
            == [.bulk([0x0D, 0x0A, 0x00, 0xFF, 0x0D, 0x0A])])
    }

    @Test func conveniences() {
        #expect(RESPValue.simple("OK").string == "OK")
        #expect(RESPValue.bulk(bytes("é")).string == "é")
        #expect(RESPValue.bulk([0xFF]).string == nil)
        #expect(RESPValue.bulk(nil).string == nil)
        #expect(RESPValue.integer(7).int == 7)
        #expect(RESPValue.simple("7").int == nil)
        #expect(RESPValue.bulk([1]).bytes == [1])
        #expect(RESPValue.array([.integer(1)]).elements == [.integer(1)])
        #expect(RESPValue.error("E").errorMessage == "E")
        #expect(RESPValue.bulk(nil).isNull && RESPValue.array(nil).isNull && !RESPValue.bulk([]).isNull)
    }

    @Test func aReplySplitAtAnyByteDecodesTheSame() throws {
        let stream = bytes("+OK\r\n-ERR x\r\n:-12\r\n$4\r\na\r\nb\r\n$-1\r\n*-1\r\n*0\r\n*2\r\n*2\r\n$0\r\n\r\n:3\r\n$2\r\nhi\r\n+end\r\n")
        let expected = try decodeAll(stream)
        #expect(expected.count == 9)
        for first in 0...stream.count {
            for second in first...stream.count {
                let chunks = [Array(stream[..<first]), Array(stream[first..<second]), Array(stream[second...])]
                #expect(try decodeAll(chunks: chunks) == expected)
            }
        }
        #expect(try decodeAll(chunks: stream.map { [$0] }) == expected)
    }

    @Test func idleOnlyBetweenReplies() throws {
        var decoder = RESPDecoder()
        #expect(decoder.isIdle)
        decoder.append(bytes("*2\r\n:1\r\n"))
        #expect(try decoder.next() == nil)
        #expect(!decoder.isIdle)
        decoder.append(bytes(":2\r\n$3\r\nab"))
        #expect(try decoder.next() == .array([.integer(1), .integer(2)]))
        #expect(try decoder.next() == nil)
        #expect(!decoder.isIdle)
        decoder.append(bytes("c\r\n"))
        #expect(try decoder.next() == .bulk(bytes("abc")))
        #expect(decoder.isIdle)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func manySmallRepliesAndSlowLinesStayLinear() throws {
        // Quadratic rescanning or buffer shifting would make these take minutes.
        var decoder = RESPDecoder()
        var count = 0
        let chunk = Array(repeating: bytes(":1\r\n+OK\r\n"), count: 1_000).joined()
        for _ in 0..<100 {
            decoder.append(chunk)
            while try decoder.next() != nil { count += 1 }
        }
        #expect(count == 200_000)
        let line = bytes("+") + Array(repeating: UInt8(ascii: "a"), count: 60_000) + bytes("\r\n")
        let bulk = bytes("$200000\r\n") + Array(repeating: 0x0D, count: 200_000) + bytes("\r\n")
        var slow: [RESPValue] = []
        for byte in line + bulk {
            decoder.append(CollectionOfOne(byte))
            if let value = try decoder.next() { slow.append(value) }
        }
        #expect(slow == [.simple(String(repeating: "a", count: 60_000)), .bulk(Array(repeating: 0x0D, count: 200_000))])
    }

    // MARK: bounds

    @Test func bulkLengthIsBounded() throws {
        #expect(try decodeAll("$4\r\nabcd\r\n", RESPDecoder(maxBulkLength: 4)) == [.bulk(bytes("abcd"))])
        // Refused from the header alone, before the payload is waited for.
        #expect(kind("$5\r\n", RESPDecoder(maxBulkLength: 4)) == .bulkTooLong)
        #expect(kind("$67108865\r\n") == .bulkTooLong)
        #expect(kind("$9223372036854775807\r\n") == .bulkTooLong)
    }

    @Test func arrayCountIsBounded() throws {
        #expect(try decodeAll("*2\r\n:1\r\n:2\r\n", RESPDecoder(maxArrayCount: 2)) == [.array([.integer(1), .integer(2)])])
        #expect(kind("*3\r\n", RESPDecoder(maxArrayCount: 2)) == .arrayTooLong)
        #expect(kind("*1000001\r\n") == .arrayTooLong)
    }

    @Test func nestingIsBounded() throws {
        func nested(_ depth: Int) -> [UInt8] { Array(repeating: bytes("*1\r\n"), count: depth).joined() + bytes(":1\r\n") }
        #expect(try decodeAll(nested(16)).count == 1)
        #expect(kind(nested(17)) == .tooDeep)
        #expect(kind(nested(3), RESPDecoder(maxDepth: 2)) == .tooDeep)
        #expect(try decodeAll(nested(500), RESPDecoder(maxDepth: 500)).count == 1)
        // Far past the bound: an error, not a stack overflow.
        #expect(kind(nested(200_000)) == .tooDeep)
    }

    @Test func linesAreBounded() throws {
        #expect(try decodeAll("+12345678\r\n", RESPDecoder(maxLineLength: 8)) == [.simple("12345678")])
        // Refused without waiting for a CRLF that may never come.
        #expect(kind("+123456789", RESPDecoder(maxLineLength: 8)) == .lineTooLong)
        #expect(kind(":123456789", RESPDecoder(maxLineLength: 8)) == .lineTooLong)
        #expect(kind("$00000000001\r\n", RESPDecoder(maxLineLength: 8)) == .lineTooLong)
        #expect(kind(bytes("-") + Array(repeating: UInt8(ascii: "e"), count: 65_537)) == .lineTooLong)
    }

    @Test func wholeRepliesAreBounded() throws {
        #expect(try decodeAll("*2\r\n$1\r\na\r\n$1\r\nb\r\n", RESPDecoder(maxReplyBytes: 18)).count == 1)
        #expect(kind("*2\r\n$1\r\na\r\n$1\r\nb\r\n", RESPDecoder(maxReplyBytes: 17)) == .replyTooLarge)
        // The budget is per reply, so a long stream of small replies is fine.
        #expect(try decodeAll(Array(Array(repeating: bytes(":1\r\n"), count: 100).joined()), RESPDecoder(maxReplyBytes: 4)).count == 100)
        // A bulk string that cannot fit is refused from its header, before its payload is waited for.
        #expect(try decodeAll("$10\r\n0123456789\r\n", RESPDecoder(maxReplyBytes: 17)).count == 1)
        #expect(kind("$10\r\n", RESPDecoder(maxReplyBytes: 16)) == .replyTooLarge)
    }

    // MARK: malformed input

    @Test("malformed replies are errors", arguments: [
        "?x\r\n", "%1\r\n", "_\r\n", "#t\r\n", "\r\n", "OK\r\n", "\0",
        ":\r\n", ":-\r\n", ":12a\r\n", ": 1\r\n", ":+1\r\n", ":1.5\r\n",
        ":9223372036854775808\r\n", ":-9223372036854775809\r\n", ":99999999999999999999999\r\n",
        "$\r\n", "$abc\r\n", "$-2\r\n", "$-0\r\n", "$+3\r\n", "$3 \r\n", "$99999999999999999999\r\n",
        "*-5\r\n", "*x\r\n", "*-9223372036854775808\r\n", "*1\r\n?\r\n",
        "+ok\rx", "+ok\n", "-e\nrr\r\n", ":1\r\r\n",
        "$3\r\nabcd\r\n", "$3\r\nabc\rX", "$3\r\nabcXY", "$0\r\nX",
    ])
    func malformed(text: String) {
        #expect(kind(text) == .malformed)
    }

    @Test func errorsAreSticky() throws {
        var decoder = RESPDecoder()
        decoder.append(bytes(":1\r\n?\r\n+OK\r\n"))
        #expect(try decoder.next() == .integer(1))
        #expect(throws: RESPError.self) { try decoder.next() }
        decoder.append(bytes("+OK\r\n"))
        #expect(throws: RESPError.self) { try decoder.next() }
        #expect(!decoder.isIdle)
    }

    // MARK: properties

    @Test func valuesRoundTripThroughTheEncoder() throws {
        let values: [RESPValue] = [
            .simple("OK"), .simple("é😀"), .error("ERR"), .integer(.min), .integer(.max), .bulk(nil), .bulk([]),
            .bulk(Array(0...255)), .array(nil), .array([]),
            .array([.array([.array([.simple("deep")])]), .bulk(bytes("\r\n")), .error(""), .integer(0)]),
        ]
        for value in values {
            #expect(try decodeAll(RESPEncoder.encode(value)) == [value])
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = XorShift64(seed: 0x5EED_0E5B)
        let alphabet = bytes("+-:$*\r\n\r\n0123456789-1xa")
        for round in 0..<4_000 {
            let length = Int(rng.next() % 48)
            let input: [UInt8] = (0..<length).map { _ in
                rng.next() % 4 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            let limits = round % 2 == 0 ? RESPDecoder() : RESPDecoder(maxBulkLength: 8, maxArrayCount: 3, maxDepth: 2, maxLineLength: 6, maxReplyBytes: 24)
            checkStable(input, split: Int(rng.next() % UInt64(length + 1)), limits)
        }
    }

    @Test func mutatedRepliesNeverCrash() throws {
        var rng = XorShift64(seed: 0x0DEC_0DE5)
        let valid = bytes("*3\r\n$3\r\nfoo\r\n:-42\r\n*2\r\n+OK\r\n$-1\r\n-ERR bad\r\n$4\r\n\r\n\r\n\r\n*-1\r\n:7\r\n")
        #expect(try decodeAll(valid).count == 5)
        for _ in 0..<4_000 {
            var input = valid
            for _ in 0...(rng.next() % 3) {
                let at = Int(rng.next() % UInt64(input.count))
                switch rng.next() % 4 {
                case 0: input[at] = UInt8(truncatingIfNeeded: rng.next())
                case 1: input.insert(bytes("+-:$*\r\n09")[Int(rng.next() % 9)], at: at)
                case 2: input.remove(at: at)
                default: input.removeSubrange(at...)
                }
                if input.isEmpty { break }
            }
            checkStable(input, split: Int(rng.next() % UInt64(input.count + 1)), RESPDecoder())
        }
    }
}

// MARK: helpers

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

private func decodeAll(_ text: String, _ decoder: RESPDecoder = RESPDecoder()) throws -> [RESPValue] {
    try decodeAll(chunks: [bytes(text)], decoder)
}

private func decodeAll(_ input: [UInt8], _ decoder: RESPDecoder = RESPDecoder()) throws -> [RESPValue] {
    try decodeAll(chunks: [input], decoder)
}

/// Decodes every complete reply; trailing bytes of an unfinished reply are left undecoded.
private func decodeAll(chunks: [[UInt8]], _ decoder: RESPDecoder = RESPDecoder()) throws -> [RESPValue] {
    var decoder = decoder
    var values: [RESPValue] = []
    for chunk in chunks {
        decoder.append(chunk)
        while let value = try decoder.next() { values.append(value) }
    }
    return values
}

/// The kind of error decoding `input` throws, nil if it throws none.
private func kind(_ input: [UInt8], _ decoder: RESPDecoder = RESPDecoder()) -> RESPError.Kind? {
    do {
        _ = try decodeAll(chunks: [input], decoder)
        return nil
    } catch let error as RESPError {
        return error.kind
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

private func kind(_ text: String, _ decoder: RESPDecoder = RESPDecoder()) -> RESPError.Kind? { kind(bytes(text), decoder) }

/// Decodes in two chunks; whatever decodes must decode to itself again once re-encoded.
private func checkStable(_ input: [UInt8], split: Int, _ decoder: RESPDecoder) {
    let decoded: [RESPValue]
    do {
        decoded = try decodeAll(chunks: [Array(input[..<split]), Array(input[split...])], decoder)
    } catch {
        return
    }
    for value in decoded {
        #expect((try? decodeAll(RESPEncoder.encode(value))) == [value])
    }
}

/// xorshift64: a deterministic stream of test inputs, the same on every run.
private struct XorShift64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 1 : seed }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
