import Foundation
import FirmwareImage
import LoaderFile
import TestSupport
@testable import Programmer

/// Locates the repository and the loaders the build scripts produce (`make test` builds them
/// first; a test that finds one missing builds it, and fails loudly if that fails).
enum Fixtures {
    static func path(_ relative: String) -> String { Repository.path(relative) }

    static func ourLoader() throws -> LoaderFile {
        try LoaderFile(path: Repository.ourLoaderPath())
    }

    static func brokenLoader(_ name: String) throws -> LoaderFile {
        try LoaderFile(path: Repository.brokenLoaderPath(name))
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
