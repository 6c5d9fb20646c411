// Why this file exists: the `sqlite` store serves exactly one gateway (SPEC §6). SQLite's own locks only
// serialise single transactions, so two gateways on one file would each believe they own the claims
// and could both forward the same resend. An exclusive flock on `<db>.lock`, held for the store's
// lifetime, makes the second instance refuse to start. The kernel drops it when the process dies
// (even by kill -9), so a crash never leaves a stale lock behind.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive, non-blocking `flock` on one file, held until `release()`.
///
/// flock locks belong to the open file description, so a second `StoreFileLock` on the same path
/// conflicts even inside the same process — exactly what "one store per file" needs.
final class StoreFileLock: Sendable {
    let path: String
    private let descriptor: Int32

    /// Takes the lock or throws a `StoreError` saying why not (another gateway holds it, or the file
    /// cannot be opened).
    init(path: String, databasePath: String) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let reason = Self.describe(errno)
            throw StoreError("cannot open the lock file \(path): \(reason)")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            _ = close(fd)
            if code == EWOULDBLOCK || code == EAGAIN {
                throw StoreError(
                    "another gateway is already using the state file \(databasePath) (locked through \(path)); "
                        + "a sqlite store serves a single instance — use the redis store to run several")
            }
            throw StoreError("cannot lock \(path): \(Self.describe(code))")
        }
        descriptor = fd
    }

    /// Releases the lock (closing the descriptor). Call exactly once. The lock file itself stays: removing
    /// it would let a starting instance lock a fresh inode while another still holds the old one.
    func release() {
        _ = close(descriptor)
    }

    static func describe(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message)
    }
}
