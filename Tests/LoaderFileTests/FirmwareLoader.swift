import Foundation
import Testing
import TestSupport

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
        do {
            let built = try Repository.ourLoaderPath()
            guard let data = FileManager.default.contents(atPath: built) else { return .failure(BuildFailure(message: "cannot read \(built)")) }
            return .success([UInt8](data))
        } catch {
            return .failure(BuildFailure(message: "\(error)"))
        }
    }()
}
