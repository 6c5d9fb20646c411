// Why this file exists: every request takes 128 random bits for its id and every resend 128 more for
// its claim token; `SystemRandomNumberGenerator` makes one `getrandom` system call per 64 bits, which
// was four system calls in each replay. The bytes still come from the kernel's generator, 256 bytes
// per call; handing them out is a lock and a copy.

#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers

/// Random 128-bit values, drawn from the kernel a page at a time.
final class RandomPool: Sendable {
    static let shared = RandomPool()

    private struct Buffer {
        var bytes = [UInt8](repeating: 0, count: RandomPool.capacity)
        var used = RandomPool.capacity
    }

    private static let capacity = 4096
    private let buffer = NIOLockedValueBox(Buffer())

    /// 128 fresh random bits; no value is ever handed out twice.
    func next() -> (UInt64, UInt64) {
        buffer.withLockedValue { buffer in
            if buffer.used + 16 > buffer.bytes.count {
                Self.refill(&buffer.bytes)
                buffer.used = 0
            }
            defer { buffer.used += 16 }
            return buffer.bytes.withUnsafeBytes { raw in
                (raw.loadUnaligned(fromByteOffset: buffer.used, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: buffer.used + 8, as: UInt64.self))
            }
        }
    }

    private static func refill(_ bytes: inout [UInt8]) {
        #if canImport(Glibc)
        // getentropy: the kernel's generator (getrandom), at most 256 bytes a call.
        let complete = bytes.withUnsafeMutableBytes { raw -> Bool in
            guard let base = raw.baseAddress else { return false }
            for offset in stride(from: 0, to: raw.count, by: 256) {
                guard getentropy(base + offset, min(256, raw.count - offset)) == 0 else { return false }
            }
            return true
        }
        if complete { return }
        #endif
        // No getrandom (or it failed): the standard library's generator, 64 bits at a time.
        var generator = SystemRandomNumberGenerator()
        bytes.withUnsafeMutableBytes { raw in
            for offset in stride(from: 0, to: raw.count, by: 8) {
                raw.storeBytes(of: generator.next() as UInt64, toByteOffset: offset, as: UInt64.self)
            }
        }
    }
}
