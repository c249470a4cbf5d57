import Foundation

/// The repository the tests run in, and the artifacts its build scripts make
/// (`bash Firmware/build.sh`, `bash Tests/Fixtures/BrokenLoaders/build.sh`). `make test`
/// builds them first; a test that finds one missing builds it, and fails with the script's
/// log when that fails.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    public struct BuildFailure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The absolute path of `artifact`, running `script` first if the file is missing.
    @discardableResult
    public static func ensureBuilt(_ artifact: String, by script: String) throws(BuildFailure) -> String {
        let target = path(artifact)
        if FileManager.default.fileExists(atPath: target) { return target }
        // Several test targets and suites may ask at once: one build at a time, across
        // processes (a file lock; a mutex would only cover this process).
        let lockPath = FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-build.lock").path
        let fd = open(lockPath, O_CREAT | O_RDWR, 0o644)
        if fd >= 0 { _ = flock(fd, LOCK_EX) }
        defer { if fd >= 0 { _ = flock(fd, LOCK_UN); close(fd) } }
        if FileManager.default.fileExists(atPath: target) { return target }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", path(script)]
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw BuildFailure(description: "cannot run bash \(script): \(error)")
        }
        let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: target) else {
            throw BuildFailure(description: "bash \(script) failed (status \(process.terminationStatus)) and \(artifact) is missing:\n\(log)")
        }
        return target
    }

    public static func ourLoaderPath() throws(BuildFailure) -> String {
        try ensureBuilt("build/IS25LP512M_STM32U5G7.stldr", by: "Firmware/build.sh")
    }

    /// The quad+octal build (Firmware/build.sh builds it beside the quad one).
    public static func ourOctalLoaderPath() throws(BuildFailure) -> String {
        try ensureBuilt("build/MX25LM51245G_STM32U5A9.stldr", by: "Firmware/build.sh")
    }

    public static func brokenLoaderPath(_ name: String) throws(BuildFailure) -> String {
        try ensureBuilt("build/broken/\(name).stldr", by: "Tests/Fixtures/BrokenLoaders/build.sh")
    }
}
