import Foundation
import Testing

/// The loader `bash Firmware/build.sh` writes, built on demand when `build/` lacks it, so that
/// the patcher is tested against the real firmware's bytes rather than a hand-made imitation.
enum FirmwareLoader {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let path = repoRoot.appendingPathComponent("build/IS25LP512M_STM32U5G7.stldr").path
    static let boardsDirectory = repoRoot.appendingPathComponent("Boards")

    /// The base loader's bytes, or a test failure saying why the build did not produce them.
    static func bytes() throws -> [UInt8] {
        switch built {
        case .success(let bytes): return bytes
        case .failure(let failure):
            Issue.record(Comment(rawValue: failure.message))
            throw failure
        }
    }

    struct BuildFailure: Error, CustomStringConvertible { var message: String; var description: String { message } }

    private static let built: Result<[UInt8], BuildFailure> = {
        if let data = FileManager.default.contents(atPath: path) { return .success([UInt8](data)) }
        // Other test targets may build at the same time: one build at a time, across processes.
        let lockPath = FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-firmware-build.lock").path
        let fd = open(lockPath, O_CREAT | O_RDWR, 0o644)
        if fd >= 0 { _ = flock(fd, LOCK_EX) }
        defer { if fd >= 0 { _ = flock(fd, LOCK_UN); close(fd) } }
        if let data = FileManager.default.contents(atPath: path) { return .success([UInt8](data)) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", repoRoot.appendingPathComponent("Firmware/build.sh").path]
        process.currentDirectoryURL = repoRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return .failure(BuildFailure(message: "cannot run bash Firmware/build.sh: \(error)"))
        }
        let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: path) else {
            return .failure(BuildFailure(message: "bash Firmware/build.sh failed (status \(process.terminationStatus)) and \(path) is missing:\n\(log)"))
        }
        return .success([UInt8](data))
    }()
}
