import Foundation

/// Starts the gateway's own threads under names the kernel shows (`top -H`, `ps -L`, `perf`,
/// `/proc/<pid>/task/*/comm`). Foundation's `Thread.name` does not reach the kernel on this platform:
/// every thread carried the dispatch queue name of whoever created it, so an operator could not tell
/// the store's thread from the upstream engine's.
enum NamedThread {
    /// Linux keeps 15 bytes of a thread's name.
    static let maxNameBytes = 15

    /// Runs `body` on a new thread named `name` (at most `maxNameBytes` ASCII bytes; longer is cut).
    static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let kernelName = String(decoding: name.utf8.prefix(maxNameBytes), as: UTF8.self)
        let thread = Thread {
            setKernelName(kernelName)
            body()
        }
        thread.name = name
        thread.start()
    }

    /// `pthread_setname_np` is a GNU extension Swift's Glibc module does not export, and `prctl` is
    /// variadic; proc(5) lets a thread write its own name here. Best effort: a name is for people.
    private static func setKernelName(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var bytes = Array(name.utf8)
        _ = write(descriptor, &bytes, bytes.count)
    }
}
