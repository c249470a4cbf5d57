import Foundation
import FirmwareImage
import LoaderFile
@testable import Programmer

/// Locates the repository and the loaders the build scripts produce (`make test` builds them
/// first; a test that finds one missing builds it, and fails loudly if that fails).
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func ensureBuilt(_ artifact: String, by script: String) throws {
        if FileManager.default.fileExists(atPath: path(artifact)) { return }
        // One build at a time across test processes and suites (a file lock, not a mutex).
        let lockPath = FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-firmware-build.lock").path
        let fd = open(lockPath, O_CREAT | O_RDWR, 0o644)
        if fd >= 0 { _ = flock(fd, LOCK_EX) }
        defer { if fd >= 0 { _ = flock(fd, LOCK_UN); close(fd) } }
        if FileManager.default.fileExists(atPath: path(artifact)) { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [path(script)]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, FileManager.default.fileExists(atPath: path(artifact)) else {
            throw FixtureError(message: "\(script) failed (status \(p.terminationStatus)):\n" + (String(data: output, encoding: .utf8) ?? ""))
        }
    }

    struct FixtureError: Error, CustomStringConvertible { let message: String; var description: String { message } }

    static func ourLoader() throws -> LoaderFile {
        try ensureBuilt("build/IS25LP512M_STM32U5G7.stldr", by: "Firmware/build.sh")
        return try LoaderFile(path: path("build/IS25LP512M_STM32U5G7.stldr"))
    }

    static func brokenLoader(_ name: String) throws -> LoaderFile {
        try ensureBuilt("build/broken/\(name).stldr", by: "Tests/Fixtures/BrokenLoaders/build.sh")
        return try LoaderFile(path: path("build/broken/\(name).stldr"))
    }

    /// Deterministic bytes that are never all FFh.
    static func pseudoRandom(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state >> 24)
        }
    }

    static func image(_ segments: [(UInt32, Int)], seed: UInt64 = 1) -> FirmwareImage {
        FirmwareImage(segments: segments.enumerated().map { i, s in
            Segment(address: s.0, bytes: pseudoRandom(count: s.1, seed: seed &+ UInt64(i)))
        })
    }

    /// The user's reported image: 16 KiB for the MCU's own flash and 768 KiB at 0x9000_0000.
    static var reportedImage: FirmwareImage { SampleImage.make() }

    /// Every condition a loader can trip over in one image: an unaligned start and an odd
    /// length, a partial 64 KiB block, and data across the 16 MiB boundary.
    static var trickyImage: FirmwareImage {
        image([(0x9000_1003, 0x2_1235), (0x90FF_FF00, 0x300)])
    }
}
