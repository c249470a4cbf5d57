import Foundation
import TestSupport

/// Runs `loaderlab` and `gdb-multiarch` as a user would, with a deadline on every wait.
enum Lab {
    static let gdbPath: String? = ["/usr/bin/gdb-multiarch", "/usr/local/bin/gdb-multiarch"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The `loaderlab` built beside this test binary.
    static func loaderlab() -> String? {
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = me.deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("loaderlab").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let fallback = Repository.path(".build/debug/loaderlab")
        return FileManager.default.isExecutableFile(atPath: fallback) ? fallback : nil
    }

    /// A small raw image for 0x9000_0000: 600 bytes (two pages and a bit), a known pattern.
    static func image() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-gdb-\(getpid())-image.bin").path
        let bytes = (0..<600).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The report with the host-time figure taken out (the only thing a debugger may change).
    static func normalized(_ report: String) -> String {
        report.replacingOccurrences(of: #"host time [0-9.]+ [a-zµ]+"#, with: "host time X", options: .regularExpression)
    }
}

/// A child process whose output is collected as it comes.
final class Child: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = Repository.root
        let o = Pipe(), e = Pipe()
        process.standardOutput = o
        process.standardError = e
        process.standardInput = FileHandle.nullDevice
        o.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            self?.lock.withLock { self?.out.append(d) }
        }
        e.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            self?.lock.withLock { self?.err.append(d) }
        }
        try process.run()
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    /// Waits for `pattern` in stderr; the first capture group, or nil after `timeout` seconds.
    func waitForStderr(_ pattern: String, timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        let regex = try? NSRegularExpression(pattern: pattern)
        while Date() < deadline {
            let text = stderr
            if let regex, let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) {
                if m.numberOfRanges > 1, let r = Range(m.range(at: 1), in: text) { return String(text[r]) }
                return ""
            }
            if !process.isRunning { return nil }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }

    /// Waits for the exit; kills the process and returns nil after `timeout` seconds.
    @discardableResult
    func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            Thread.sleep(forTimeInterval: 0.5)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            return nil
        }
        // Let the pipes drain.
        Thread.sleep(forTimeInterval: 0.2)
        return process.terminationStatus
    }
}

/// A raw TCP client for the protocol tests a real GDB would never do (garbage, a second
/// connection, hanging up mid-session).
final class RawClient {
    let fd: Int32

    init?(port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else {
            close(fd)
            return nil
        }
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Everything received until the peer closes or `timeout` passes (SO_RCVTIMEO bounds each read).
    func readAll(timeout: Double) -> (text: String, closed: Bool) {
        var data = [UInt8]()
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return (String(decoding: data, as: UTF8.self), true) }
            if n < 0 { break }
            data += buffer[0..<n]
        }
        return (String(decoding: data, as: UTF8.self), false)
    }

    /// Reads until `text` shows up (or the deadline).
    func read(until text: String, timeout: Double) -> String {
        var data = [UInt8]()
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            data += buffer[0..<n]
            if String(decoding: data, as: UTF8.self).contains(text) { break }
        }
        return String(decoding: data, as: UTF8.self)
    }

    deinit { close(fd) }
}
