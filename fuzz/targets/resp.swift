// libFuzzer target: the RESP2 decoder on whatever a Redis server might send, delivered in two chunks,
// and the stability of what it decodes (re-encoded, a value decodes to itself and nothing else).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let first = Int(bytes.first ?? 0)
    let split = first % (bytes.count + 1)
    // Tiny limits for odd lengths (the first byte is a type byte, so it cannot choose), so that short
    // inputs reach every bound.
    var decoder = bytes.count % 2 == 0
        ? RESPDecoder()
        : RESPDecoder(maxBulkLength: 64, maxArrayCount: 8, maxDepth: 4, maxLineLength: 32, maxReplyBytes: 256)
    var values: [RESPValue] = []
    decoding: for chunk in [bytes[..<split], bytes[split...]] {
        decoder.append(chunk)
        while true {
            do {
                guard let value = try decoder.next() else { break }
                values.append(value)
            } catch {
                break decoding
            }
        }
    }
    for value in values {
        let encoded = RESPEncoder.encode(value)
        var again = RESPDecoder()
        again.append(encoded)
        do {
            guard let reread = try again.next(), reread == value, try again.next() == nil, again.isIdle else {
                fatalError("RESP re-encoding does not decode to the same value: \(value)")
            }
            if RESPEncoder.encode(reread) != encoded { fatalError("RESP encoding is not stable: \(value)") }
        } catch {
            fatalError("the gateway's own RESP does not decode (\(error)): \(value)")
        }
    }
    return 0
}
