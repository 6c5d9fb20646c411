import Foundation
import NIOConcurrencyHelpers

/// A child process started with `posix_spawn`, for tests that run the real `gateway`, `redis-server` or
/// this test binary.
///
/// Not Foundation's `Process`: its `run()` scans /proc/self/fd with a `memcpy` that reads past the end
/// of the directory buffer, which crashed this suite (and AddressSanitizer reports) once enough
/// descriptors were open; and its children inherit the signal mask of the test thread that started
/// them, so SIGTERM never reached them. Here the mask and dispositions are reset, descriptors above 2
/// are closed in the child, and stdin/stdout/stderr are pipes (or /dev/null).
final class ChildProcess: Sendable {
    let processIdentifier: pid_t
    /// Write end of the child's stdin; nil when it reads /dev/null.
    let standardInput: FileHandle?
    /// Read ends of the child's stdout and stderr; nil when they go to /dev/null.
    let standardOutput: FileHandle?
    let standardError: FileHandle?
    private let status = NIOLockedValueBox<Int32?>(nil)

    init(executable: String, arguments: [String], environment: [String: String]? = nil, pipes: Bool = true) throws {
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        var ends: [(parent: Int32, child: Int32)] = []
        // Whatever fails below, no descriptor is left open behind.
        var spawned = false
        defer {
            for end in ends {
                _ = Glibc.close(end.child)
                if !spawned { _ = Glibc.close(end.parent) }
            }
        }
        if pipes {
            for target in 0...2 {
                var fds: [Int32] = [0, 0]
                guard try GNU.pipe2(&fds, O_CLOEXEC) == 0 else { throw ChildProcessError.spawnFailed(errno) }
                // stdin: the child reads fds[0]; stdout/stderr: the child writes fds[1].
                let (parent, child) = target == 0 ? (fds[1], fds[0]) : (fds[0], fds[1])
                ends.append((parent, child))
                posix_spawn_file_actions_adddup2(&actions, child, Int32(target))
            }
        } else {
            for target in 0...2 {
                posix_spawn_file_actions_addopen(&actions, Int32(target), "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        guard try GNU.addCloseFrom(&actions, 3) == 0 else { throw ChildProcessError.spawnFailed(errno) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw ChildProcessError.spawnFailed(rc) }
        spawned = true
        processIdentifier = pid
        standardInput = pipes ? FileHandle(fileDescriptor: ends[0].parent, closeOnDealloc: true) : nil
        standardOutput = pipes ? FileHandle(fileDescriptor: ends[1].parent, closeOnDealloc: true) : nil
        standardError = pipes ? FileHandle(fileDescriptor: ends[2].parent, closeOnDealloc: true) : nil
    }

    var isRunning: Bool {
        status.withLockedValue { status in
            if status != nil { return false }
            var raw: Int32 = 0
            switch waitpid(processIdentifier, &raw, WNOHANG) {
            case 0: return true
            case processIdentifier:
                status = raw
                return false
            default: return false  // already reaped by waitUntilExit, which records the status
            }
        }
    }

    func terminate() { kill(processIdentifier, SIGTERM) }

    /// Blocks until the child exits; its exit code, or 128 + the signal that ended it.
    @discardableResult
    func waitUntilExit() -> Int32 {
        let raw: Int32 = status.withLockedValue { $0 } ?? {
            var raw: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(processIdentifier, &raw, 0) } while result == -1 && errno == EINTR
            // ECHILD: `isRunning` reaped it first, and recorded the status under the lock while doing so.
            return status.withLockedValue { status in
                if result == processIdentifier { status = raw }
                return status ?? 0
            }
        }()
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }
}

enum ChildProcessError: Error {
    case spawnFailed(Int32)
    case missing(String)
}

/// glibc extensions Swift's Glibc module does not import (they sit behind _GNU_SOURCE), looked up at
/// run time: `pipe2` (pipes that never leak into a child another thread spawns) and
/// `posix_spawn_file_actions_addclosefrom_np` (glibc ≥ 2.34).
private enum GNU {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    static func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) throws -> Int32 {
        try function("pipe2", as: Pipe2.self)(fds, flags)
    }

    static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) throws -> Int32 {
        try function("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self)(actions, lowest)
    }

    private static func function<F>(_ name: String, as type: F.Type) throws -> F {
        guard let symbol = dlsym(nil, name) else { throw ChildProcessError.missing(name) }
        return unsafeBitCast(symbol, to: type)
    }
}
